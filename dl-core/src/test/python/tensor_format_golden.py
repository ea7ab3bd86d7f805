# Generates golden strings: numpy's str() under MegEngine's print options, for TensorFormatTest.
import numpy as np, json
f32=np.float32
cases = [
 ("twoByTwo", "Tensor.of(new double[][] {{1, 2.5}, {3, 4}})", np.array([[1,2.5],[3,4]],dtype=f32)),
 ("millionSummarised", "Tensor.arange(1_000_000).reshape(1000, 1000).div(7)", (np.arange(1_000_000,dtype=f32)/f32(7)).reshape(1000,1000)),
 ("wrapsAt75", "Tensor.arange(20).sub(10).div(3)", (np.arange(20,dtype=f32)-f32(10))/f32(3)),
 ("intSummarised3d", "Tensor.arange(0, 2000, 1, DType.INT32).reshape(2, 10, 100)", np.arange(2000,dtype=np.int32).reshape(2,10,100)),
 ("scientificFrom1e8", "Tensor.of(new float[] {1e6f, 1f, 123456789f})", np.array([1e6,1,123456789],dtype=f32)),
 ("nonFinite", "Tensor.of(new float[] {Float.NaN, 1.5f, Float.NEGATIVE_INFINITY})", np.array([np.nan,1.5,-np.inf],dtype=f32)),
 ("onlyNonFinite", "Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY})", np.array([np.nan,np.inf],dtype=f32)),
 ("tinyNegativeKeepsSign", "Tensor.of(new float[] {-0.00001f, 1.5f})", np.array([-0.00001,1.5],dtype=f32)),
 ("negativeZero", "Tensor.of(new float[] {-0f, 0f})", np.array([-0.0,0.0],dtype=f32)),
 ("bools", "Tensor.of(new boolean[] {true, false})", np.array([True,False])),
 ("tieRoundsToEven", "Tensor.of(new float[] {0.03125f, 0.5f})", np.array([0.03125,0.5],dtype=f32)),
 ("float64", "Tensor.of(new double[] {0.1, 0.2, 1.0 / 3}, DType.FLOAT64)", np.array([0.1,0.2,1/3],dtype=np.float64)),
 ("int64Exact", "Tensor.of(new long[] {4611686018427387904L, -1L})", np.array([2**62,-1],dtype=np.int64)),
 ("fourDimNotSummarised", "Tensor.arange(360).reshape(3, 4, 5, 6).div(7)", (np.arange(360,dtype=f32)/f32(7)).reshape(3,4,5,6)),
 ("batchSummarised", "Tensor.arange(50176).reshape(64, 1, 28, 28).div(50176)", (np.arange(50176,dtype=f32)/f32(50176)).reshape(64,1,28,28)),
 ("longRowsSummarised", "Tensor.arange(2000).reshape(10, 200).div(3)", (np.arange(2000,dtype=f32)/f32(3)).reshape(10,200)),
 ("wideInts", "Tensor.arange(0, 40, 1, DType.INT32).mul(1000)", np.arange(40,dtype=np.int32)*1000),
 ("emptyVector", "Tensor.zeros(0)", np.zeros((0,),dtype=f32)),
 ("emptyMatrix", "Tensor.zeros(2, 0)", np.zeros((2,0),dtype=f32)),
 ("scalarThird", "Tensor.scalar(1.0 / 3)", np.array(1/3,dtype=f32)),
 ("scalarOne", "Tensor.scalar(1)", np.array(1,dtype=f32)),
 ("scalarHuge", "Tensor.scalar(1e20)", np.array(1e20,dtype=f32)),
 ("scalarInt", "Tensor.scalar(5, DType.INT32)", np.array(5,dtype=np.int32)),
 ("uint8", "Tensor.of(new int[] {0, 7, 255}, DType.UINT8)", np.array([0,7,255],dtype=np.uint8)),
]
out=[]
with np.printoptions(precision=4, suppress=True):
    for name, java, arr in cases:
        out.append((name, java, str(arr), arr.dtype.name))
print(json.dumps(out))
