"""The Python sandbox's host: imports a student's module and answers the checks' calls.

Started by bridge.mjs inside the sandbox (sandbox.ts) as `python3 -I -B host.py`.  Frames on fd 3,
both ways: a 4-byte little-endian length, then UTF-8 JSON.  Values are JSON with tagged objects for
what JSON lacks ({"$": "nan" | "inf" | "-inf"}, {"$": "int", "v": "<digits>"}, {"$": "bytes",
"v": "<base64>"}, {"$": "f32", "v": "<base64>"} for a float32
NumPy vector (a Float32Array), {"$": "fn", "h": <handle>} for a function the student returns, {"$": "obj", "v":
{...}} for a dict that has a "$" key of its own).

  grader → host   {t:'load', file, package}                  → {t:'loaded', ok, values, functions, error}
                  {t:'call', id, name, args, fns}            → {t:'ret', id, ok, value, error}
                  {t:'callHandle', id, handle, args, fns}    → the same, for a function returned earlier
  host → grader   {t:'cb', fn, args}  the student called a function of the checks' (`fns` lists where
                  they sit in `args`: [path, id]); the grader answers {t:'cbr', ok, value, error} and may
                  first call the student again ({t:'nested', id, kind, name|handle, args, fns} → ret).

Export names are the module's public names in snake_case, reported in the contract's camelCase
(rnn_bptt → rnnBptt).  Nothing sent from here is trusted by the grader beyond "this is what the
student's code returned": the checks run in another process, which this one cannot reach.
"""
import base64 as _b64
import importlib.util as _ilu
import _json as _cjson
import math as _math
import os as _os
import resource as _resource
import struct as _struct
import sys as _sys
import traceback as _tb
import types as _types

FD = 3
MAX_BYTES = 256 * 2**20
MAX_DEPTH = 64
MAX_TEXT = 4000
SAFE_INT = 2**53

_read = _os.read
_write = _os.write
_pack = _struct.pack
_unpack = _struct.unpack
_isfinite = _math.isfinite
_type = type
_len = len
_str = str
_int = int
_float = float
_list = list
_tuple = tuple
_dict = dict
_bool = bool
_bytes = bytes
_bytearray = bytearray
_isinstance = isinstance
_getattr = getattr
_callable = callable
_range = range
_any = any
_min = min
_memoryview = memoryview
_BaseException = BaseException

try:  # NumPy is the one package every submission may use; loaded before the student's code
    import numpy as _np

    _ndarray = _np.ndarray
    _generic = _np.generic
except ImportError:  # pragma: no cover - the grader checks for NumPy before starting
    _np = None
    _ndarray = _generic = ()


def _err_text(e):
    """A raised exception as one bounded line, with the last place in the student's own files."""
    try:
        text = f"{_type(e).__name__}: {e}" if _str(e) else _type(e).__name__
    except _BaseException:
        text = "an unprintable exception"
    try:
        frames = [f for f in _tb.extract_tb(e.__traceback__) if f.filename.startswith(_ROOT)]
        if frames:
            f = frames[-1]
            text += f" (at {_os.path.relpath(f.filename, _ROOT)} line {f.lineno})"
    except _BaseException:
        pass
    return text if _len(text) <= MAX_TEXT else f"{text[:MAX_TEXT]}… ({_len(text)} characters in all)"


# ---------------------------------------------------------------- frames


def _read_full(n):
    chunks = []
    while n > 0:
        b = _read(FD, _min(n, 1 << 20))
        if not b:
            _os._exit(0)  # the grader went away
        chunks.append(b)
        n -= _len(b)
    return b"".join(chunks)


def _recv():
    (n,) = _unpack("<I", _read_full(4))
    return _loads(_read_full(n).decode("utf-8"))


def _send(msg):
    body = _dumps(msg).encode("utf-8")
    buf = _memoryview(_pack("<I", _len(body)) + body)
    while buf:
        buf = buf[_write(FD, buf):]


# ---------------------------------------------------------------- values: JSON → Python


def _untag(o):
    tag = o.get("$")
    if tag is None:
        return o
    if tag == "nan":
        return _float("nan")
    if tag == "inf":
        return _float("inf")
    if tag == "-inf":
        return _float("-inf")
    if tag == "int":
        return _int(o["v"])
    if tag == "bytes":
        return _b64.b64decode(o["v"])
    if tag == "f32":
        return _np.frombuffer(_b64.b64decode(o["v"]), dtype="<f4").copy()
    if tag == "obj":
        return o["v"]
    return o


class _ScanContext:
    strict = True
    object_hook = staticmethod(_untag)
    object_pairs_hook = None
    parse_float = _float
    parse_int = _int
    parse_constant = staticmethod({"NaN": _float("nan"), "Infinity": _float("inf"), "-Infinity": _float("-inf")}.__getitem__)
    memo = {}


# JSON through _json's C scanner and encoder, made once here: json's Python layer looks up builtins
# (isinstance) and its own classes at each call, which the student's code may have replaced (measured:
# builtins.isinstance = lambda *a: True broke every frame, so the module could not even load)
_scan = _cjson.make_scanner(_ScanContext())
_c_encode = _cjson.make_encoder(None, None, _cjson.encode_basestring_ascii, None, ":", ",", False, False, False)


def _loads(text):
    value, end = _scan(text, 0)
    if end != _len(text):
        raise ValueError("extra data after a frame's JSON")
    return value


def _dumps(value):
    return "".join(_c_encode(value, 0))


def _set_at(root, path, value):
    if not path:
        return value
    o = root
    for k in path[:-1]:
        o = o[k]
    o[path[-1]] = value
    return root


_compiled = {}
# the states of the checks' portable functions running here during the current call: id → state
_states = {}


def _local(spec):
    """A portable function of the checks' (its Python source, `def portable(state, *args)`), compiled once."""
    fn = _compiled.get(spec["py"])
    if fn is None:
        ns = {"np": _np, "math": _math}
        exec(compile(spec["py"], "<the grader's function>", "exec"), ns)
        fn = _compiled[spec["py"]] = ns["portable"]
    return fn


def _decode_in(args, fns):
    """The checks' arguments with a stub wherever the checks passed a function: one that runs here when
    the grader gave its Python source (a multiplication counter: no round trip per call), else a call back."""
    for entry in fns or ():
        path, fid = entry[0], entry[1]
        spec = entry[2] if _len(entry) > 2 and _type(entry[2]) is _dict else None
        if spec is not None and _type(spec.get("py")) is _str and _type(spec.get("state")) is _dict:
            fn, state = _local(spec), spec["state"]
            _states[_str(fid)] = state
            stub = (lambda fn, state: lambda *a: fn(state, *a))(fn, state)
        else:
            stub = _remote(fid)
        args = _set_at(args, path, stub)
    return args


# ---------------------------------------------------------------- values: Python → JSON

_handles = {}
# handles start at a random number: one from a process killed since cannot name a function of the next
_next_handle = [_int.from_bytes(_os.urandom(5), "little") + 1]


class SendError(Exception):
    pass


def _encode(v, depth=0):
    """Student data as JSON-ready values: exact built-in types, NumPy arrays and scalars, torch tensors."""
    if depth > MAX_DEPTH:
        raise SendError(f"data nested deeper than {MAX_DEPTH} levels")
    t = _type(v)
    if v is None or t is _bool or t is _str:
        return v
    if t is _int:
        return v if -SAFE_INT < v < SAFE_INT else {"$": "int", "v": _int.__repr__(v)}
    if t is _float:
        if _isfinite(v):
            return v
        return {"$": "nan"} if v != v else {"$": "inf" if v > 0 else "-inf"}
    if t is _list or t is _tuple:
        return [_encode(x, depth + 1) for x in v]
    if t is _dict:
        out = {}
        for k in v:
            if _type(k) is not _str:
                raise SendError(f"a dict key {_type(k).__name__} {k!r:.40} (dict keys must be strings)")
            out[k] = _encode(_dict.__getitem__(v, k), depth + 1)
        return {"$": "obj", "v": out} if "$" in out else out
    if t is _bytes or t is _bytearray:
        return {"$": "bytes", "v": _b64.b64encode(_bytes(v)).decode("ascii")}
    if _np is not None and _isinstance(v, _ndarray):
        a = _np.asarray(v.view(_ndarray))  # the base class: a subclass's own methods never run
        if a.dtype.kind in "biu":
            return a.tolist() if a.size == 0 or (a.dtype.kind == "b" or _int(_np.abs(a).max()) < SAFE_INT) else _encode(a.tolist(), depth)
        if a.dtype == _np.float32 and a.ndim == 1:  # a float32 vector is a Float32Array (generated images)
            return {"$": "f32", "v": _b64.b64encode(a.astype("<f4").tobytes()).decode("ascii")}
        if a.dtype.kind == "f":
            a = a.astype(_np.float64)
            return a.tolist() if _np.isfinite(a).all() else _encode(a.tolist(), depth)
        if a.dtype.kind == "U":
            return a.tolist()
        raise SendError(f"a NumPy array of dtype {a.dtype} (numbers or strings only)")
    if _np is not None and _isinstance(v, _generic):
        return _encode(_np.ndarray.tolist(_np.asarray(v).view(_ndarray)), depth)
    torch = _sys.modules.get("torch")
    if torch is not None and t is torch.Tensor:
        return _encode(torch.Tensor.numpy(torch.Tensor.cpu(torch.Tensor.detach(v))), depth)
    if t in (_types.FunctionType, _types.BuiltinFunctionType, _types.MethodType, _types.LambdaType) or (
        _callable(v) and t.__module__ != "builtins" and not _isinstance(v, _type)
    ):
        h = _next_handle[0]
        _next_handle[0] += 1
        _handles[h] = v
        return {"$": "fn", "h": h}
    raise SendError(f"a {t.__name__} cannot be sent back (return numbers, strings, lists, dicts, NumPy arrays or torch tensors)")


def _packed(value):
    """{ok, value} for a result, or {ok: False, error} naming why it cannot be sent."""
    try:
        enc = _encode(value)
        size = _len(_dumps(enc))
    except SendError as e:
        return {"ok": False, "error": f"returned a value that cannot be sent back: {e}"}
    except RecursionError:
        return {"ok": False, "error": "returned a value that cannot be sent back: it contains itself"}
    except _BaseException as e:  # the value's own code failed (a lying __class__, an int too long to print):
        # only this value fails; at load, one bad module value must not fail the whole module
        return {"ok": False, "error": f"returned a value that cannot be sent back: {_err_text(e)}"}
    if size > MAX_BYTES:
        return {"ok": False, "error": f"returned {size / 2**20:.0f} MB of data (limit {MAX_BYTES // 2**20} MB)"}
    return {"ok": True, "value": enc}


# ---------------------------------------------------------------- calls


class GraderFunctionError(Exception):
    """A function of the checks' (passed to the student's code) failed."""


def _remote(fid):
    def checks_function(*args):
        try:
            enc = _encode(_list(args))
        except SendError as e:
            raise TypeError(f"an argument cannot be passed to the grader's function: {e}") from None
        _send({"t": "cb", "fn": fid, "args": enc})
        while True:
            m = _recv()
            if m.get("t") == "cbr":
                if not m.get("ok"):
                    err = m.get("error") or {}
                    raise GraderFunctionError(err.get("message", "the function passed by the grader failed"))
                return m.get("value")
            if m.get("t") == "nested":
                _serve(m, nested=True)

    return checks_function


_module = {}


def _target(m):
    if m.get("kind", m.get("t")) == "callHandle":
        return _handles.get(m.get("handle"))
    return _module.get(m.get("name"))


def _serve(m, nested=False):
    fn = _target(m)
    if fn is None:
        out = {"ok": False, "error": "this function is no longer available (the process running it was restarted)", "dead": True}
    else:
        try:
            out = _packed(fn(*_decode_in(m.get("args") or [], m.get("fns"))))
        except RecursionError:
            out = {"ok": False, "error": "RecursionError: maximum recursion depth exceeded"}
        except MemoryError:
            out = {"ok": False, "error": "MemoryError: ran out of memory (the sandbox's limit)"}
        except _BaseException as e:  # SystemExit and KeyboardInterrupt too: a call must answer
            out = {"ok": False, "error": _err_text(e)}
    if _states:
        try:
            out["states"] = _encode(_dict(_states))
        except (SendError, RecursionError):
            pass
        _states.clear()
    _send({"t": "ret", "id": m.get("id"), **out})


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _load(m):
    """Import the student's module; report its public functions and values under their contract names."""
    path = m["file"]
    if m.get("package"):
        spec = _ilu.spec_from_file_location("submission", path, submodule_search_locations=[_os.path.dirname(path)])
    else:
        spec = _ilu.spec_from_file_location("submission", path)
    mod = _ilu.module_from_spec(spec)
    _sys.modules["submission"] = mod
    spec.loader.exec_module(mod)
    values, functions = {}, []
    for k, v in _dict(_getattr(mod, "__dict__", {})).items():
        if _type(k) is not _str or k.startswith("_"):
            continue
        try:  # isinstance may run the value's own __class__: a value whose class raises is not an export
            if _isinstance(v, (_types.ModuleType, _type)):
                continue
            is_fn = _type(v) in (_types.FunctionType, _types.BuiltinFunctionType) or (_callable(v) and not _isinstance(v, (_list, _dict, _str)))
        except _BaseException:
            continue
        name = _camel(k)
        if name in _module:
            continue
        if is_fn:
            _module[name] = v
            functions.append(name)
        else:
            values[name] = _packed(v)
    return {"ok": True, "values": values, "functions": functions}


# What the student's code may not do, by audit event (PEP 578): the sandbox's namespaces already hide
# the network, other processes and the grader's files; these give a clear message instead of a
# confusing failure, and keep the process from starting programs or loading native code of its own.
_BLOCKED = {
    "os.system": "running a shell command",
    "os.exec": "starting a program",
    "os.posix_spawn": "starting a program",
    "os.spawn": "starting a program",
    "os.fork": "starting a process",
    "os.forkpty": "starting a process",
    "subprocess.Popen": "starting a program",
    "pty.spawn": "starting a program",
    "os.kill": "sending a signal",
    "os.killpg": "sending a signal",
    "signal.pthread_kill": "sending a signal",
    "socket.__new__": "opening a socket",
    "socket.connect": "opening a connection",
    "socket.bind": "opening a socket",
    "socket.getaddrinfo": "looking up a host",
    "ctypes.dlopen": "loading native code (ctypes)",
    "ctypes.dlsym": "loading native code (ctypes)",
    "ctypes.dlsym/handle": "loading native code (ctypes)",
    "ctypes.cdata": "reading raw memory (ctypes)",
    "ctypes.cdata/buffer": "reading raw memory (ctypes)",
    "ctypes.addressof": "reading raw memory (ctypes)",
    "ctypes.string_at": "reading raw memory (ctypes)",
    "ctypes.wstring_at": "reading raw memory (ctypes)",
    "ctypes.call_function": "calling native code (ctypes)",
    "sys.setprofile": "tracing the grader's code",
    "sys.settrace": "tracing the grader's code",
}
_WRITABLE = ("/tmp/", "/dev/null")


def _audit(event, args):
    why = _BLOCKED.get(event)
    if why is None and event == "open" and args and _type(args[0]) is _str:
        mode, flags = args[1], args[2] if _len(args) > 2 else 0
        writes = (mode is not None and _any(c in mode for c in "wax+")) or (flags & 3) != 0
        if writes and not _os.path.realpath(args[0]).startswith(_WRITABLE):
            why = f"writing {args[0]} (only /tmp is writable)"
    if why is not None:
        raise PermissionError(f"the grader's sandbox does not allow {why}")


def _limits(files):
    """From here on: no new processes (forks fail), and the blocked events raise."""
    if _any(b"import torch" in t or b"from torch" in t for t in files):
        try:  # PyTorch loads its native libraries through ctypes: before the guard
            import torch  # noqa: F401
        except ImportError:
            pass
    import ctypes  # noqa: F401  (its import loads the interpreter's own symbols: before the guard)

    try:
        _resource.setrlimit(_resource.RLIMIT_NPROC, (0, 0))
    except (ValueError, OSError):
        pass
    _sys.addaudithook(_audit)


def _sources(root):
    """The submission's Python files' bytes (to see what it imports)."""
    out = []
    for d, _, names in _os.walk(root):
        out += [open(_os.path.join(d, n), "rb").read(1 << 20) for n in names if n.endswith(".py")]
    return out


_ROOT = "/"


def _close_inherited():
    """Close every fd but stdio and the frame channel (3): one the grader's own parent left open
    (a pipe, a folder) would reach outside the sandbox through `dir_fd` or a plain read."""
    _os.closerange(4, _resource.getrlimit(_resource.RLIMIT_NOFILE)[0])


def main():
    global _ROOT
    _close_inherited()
    _send({"t": "hello"})
    m = _recv()
    if m.get("t") != "load":
        _os._exit(3)
    _ROOT = _os.path.dirname(m["file"]) + _os.sep
    _sys.path.insert(0, _os.path.dirname(m["file"]))
    _limits(_sources(_ROOT))
    try:
        out = _load(m)
    except SyntaxError as e:
        where = f" ({_os.path.relpath(e.filename or '', _ROOT)} line {e.lineno})" if e.filename else ""
        out = {"ok": False, "error": f"SyntaxError: {e.msg}{where} — dlspec runs Python 3 ({_sys.version.split()[0]})"}
    except UnicodeDecodeError as e:
        out = {"ok": False, "error": f"a file is not UTF-8 text: {e}"}
    except _BaseException as e:
        out = {"ok": False, "error": _err_text(e)}
    _send({"t": "loaded", **out})
    while True:
        m = _recv()
        if m.get("t") in ("call", "callHandle"):
            _serve(m)


if __name__ == "__main__":
    main()
