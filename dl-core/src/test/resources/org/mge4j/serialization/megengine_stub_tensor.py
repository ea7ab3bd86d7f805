import numpy as np
class Tensor:
    def __init__(self, data, dtype, device, name=None):
        self.data, self.dt, self.device, self.name = np.asarray(data, dtype=dtype), np.dtype(dtype), device, name
    def __getnewargs__(self):
        return (self.data, self.dt, self.device, False, False, self.name, "default")
    def __getstate__(self):
        return {}
    def __setstate__(self, s):
        pass
class Parameter(Tensor):
    pass
