"""Writes the hostile pickle corpus used by HostilePickleTest. Each file must be refused by Mge.load with a
SerializationException; run `python3 make_hostile.py` in this folder to regenerate."""
import os, pickle, pickletools, struct, collections
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")

def w(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

class Sys:
    def __reduce__(self):
        return (os.system, ("echo pwned",))
class Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('echo pwned')",))
class Exec:
    def __reduce__(self):
        return (exec, ("import os",))
import subprocess
class Popen:
    def __reduce__(self):
        return (subprocess.Popen, (["echo", "pwned"],))
class GetAttr:
    def __reduce__(self):
        return (getattr, ("x", "upper"))

for p in (2, 3, 4, 5):
    w(f"os_system_p{p}.pkl", pickle.dumps(Sys(), protocol=p))
    w(f"eval_p{p}.pkl", pickle.dumps(Eval(), protocol=p))
w("exec_p4.pkl", pickle.dumps(Exec(), protocol=4))
w("subprocess_popen_p4.pkl", pickle.dumps(Popen(), protocol=4))
w("getattr_p2.pkl", pickle.dumps(GetAttr(), protocol=2))
# hidden inside a real state dict
sd = collections.OrderedDict(w=np.ones((2, 2), "f4"), evil=Sys())
w("state_dict_with_os_system.pkl", pickle.dumps(sd, protocol=4))
# nested REDUCE: os.system(str(eval(...))) built by hand
w("nested_reduce.pkl", b"\x80\x02cbuiltins\nstr\n(cbuiltins\neval\n(X\x05\x00\x00\x001+1+1tRtR.")
# posix spelled out, and a module that only looks safe
w("posix_system.pkl", b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00idtR.")
w("torch_like_unknown.pkl", b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n)R.")
# INST / OBJ / EXT (protocol 0/1 object builders)
w("inst_os_system.pkl", b"(S'echo pwned'\nios\nsystem\n.")
w("obj_opcode.pkl", b"\x80\x02(cos\nsystem\nX\x02\x00\x00\x00ido.")
w("ext1.pkl", b"\x80\x02\x82\x01.")
# memo tricks: GET of a never-stored index; a list that contains itself; a dict holding itself
w("memo_get_missing.pkl", b"\x80\x02h\x07.")
w("memo_long_get_huge.pkl", b"\x80\x02j\xff\xff\xff\xff.")
w("list_contains_itself.pkl", b"\x80\x02]q\x00h\x00a.")
w("dict_contains_itself.pkl", b"\x80\x02}q\x00X\x01\x00\x00\x00ah\x00s.")
# deep nesting: 100000 nested lists
w("deep_lists.pkl", b"\x80\x02" + b"]" * 100000 + b"a" * 99999 + b".")
w("deep_tuples_as_key.pkl", b"\x80\x02}" + b")" + b"\x85" * 50000 + b"Ns.")
# huge shapes and lengths
def arr_pickle(shape_bytes, data):
    return (b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R"
            b"(K\x01" + shape_bytes + b"cnumpy\ndtype\nX\x02\x00\x00\x00f4\x89\x88\x87R(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
            b"\x89" + data + b"tb.")
w("huge_shape.pkl", arr_pickle(b"\x8a\x05\x00\x00\x00\x00\x01\x8a\x05\x00\x00\x00\x00\x01\x86", b"C\x04\x00\x00\x00\x00"))
w("shape_overflow.pkl", arr_pickle(b"\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x3f\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x3fK\x04\x87", b"C\x04\x00\x00\x00\x00"))
w("negative_shape.pkl", arr_pickle(b"J\xff\xff\xff\xff\x85", b"C\x04\x00\x00\x00\x00"))
w("size_mismatch.pkl", arr_pickle(b"K\x03\x85", b"C\x04\x00\x00\x00\x00"))
w("binbytes_len_4g.pkl", b"\x80\x03B\xff\xff\xff\xff" + b"\x00" * 16 + b".")
w("binunicode8_len_huge.pkl", b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f" + b"a" * 16 + b".")
w("frame_len_huge.pkl", b"\x80\x04\x95\xff\xff\xff\xff\xff\x00\x00\x00N.")
w("long4_negative.pkl", b"\x80\x02\x8b\xff\xff\xff\xff.")
w("long4_huge.pkl", b"\x80\x02\x8b\x00\x00\x00\x7f" + b"\x01" * 16 + b".")
w("object_array.pkl", pickle.dumps(np.array([1, "a", None], dtype=object), protocol=2))
w("string_array.pkl", pickle.dumps(np.array(["ab", "cd"]), protocol=4))
# truncated and corrupt real files
good = pickle.dumps(collections.OrderedDict(w=np.arange(6, dtype="f4").reshape(2, 3), b=np.zeros(3, "f8")), protocol=4)
w("truncated_half.pkl", good[: len(good) // 2])
w("truncated_no_stop.pkl", good[:-1])
w("empty.pkl", b"")
w("not_a_pickle.pkl", b"hello world, not a pickle")
w("stack_underflow.pkl", b"\x80\x02R.")
w("setitem_on_list.pkl", b"\x80\x02]X\x01\x00\x00\x00aK\x01s.")
w("append_on_tuple.pkl", b"\x80\x02)K\x01a.")
w("build_on_dict.pkl", b"\x80\x02}}b.")
w("reduce_on_string.pkl", b"\x80\x02X\x01\x00\x00\x00a)R.")
w("unhashable_key.pkl", b"\x80\x02}]K\x01s.")
w("next_buffer.pkl", b"\x80\x05\x97.")
w("persid.pkl", b"\x80\x02X\x01\x00\x00\x000Q.")
w("global_no_newline.pkl", b"\x80\x02cos" + b"a" * 5000)
w("bad_utf8.pkl", b"\x80\x02X\x02\x00\x00\x00\xff\xfe.")
w("codecs_not_latin1.pkl", b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00utf_8\x86R.")
w("reconstruct_not_ndarray.pkl", b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncos\nsystem\nK\x00\x85C\x01b\x87R.")
w("array_without_build.pkl", b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R.")
w("array_version_2.pkl", arr_pickle(b"K\x01\x85", b"C\x04\x00\x00\x00\x00").replace(b"(K\x01K\x01", b"(K\x02K\x01"))
