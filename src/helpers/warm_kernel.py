"""The kernel side of the warm-kernel engine (:mod:`helpers.engine`): code that runs *inside*
the IPython kernel, never in the process that drives papermill.

A warm kernel is started once per worker process. :func:`warm_up` imports the report's modules
and loads the CJK font, then records a *baseline* of the process state. Before every notebook,
:func:`reset` brings the kernel back to that baseline so the notebook sees what a freshly
started kernel that had just done the same imports would see:

* the user namespace, IPython's output cache, history and execution counter (so the first cell
  is ``[1]`` again) — ``InteractiveShell.reset(new_session=True)``, what ``%reset -f`` does plus
  the counter;
* open pyplot figures closed; matplotlib ``rcParams`` restored (the font stays registered with
  the font manager, as it would be after the first chart of a cold kernel);
* module globals of the kit (``helpers.*``) rebound to their baseline objects, baseline
  dicts/lists/sets and the attributes of kit-defined objects they hold (e.g. a lazily loaded
  district registry) restored in place, ``functools`` caches of kit functions cleared; modules of
  the kit or of a project folder (pure Python, outside the interpreter's prefix) imported by an
  earlier notebook are forgotten so they are imported afresh;
* ``os.environ``, ``sys.path``, ``sys.argv``, the warnings filters (and their once-only
  registries), pandas options and numpy error/print options put back; IPython event callbacks
  and AST transformers registered by notebook or project code removed (those of installed
  libraries, e.g. matplotlib-inline's figure flush, stay with the library); the working
  directory set to the notebook's.

The warm-up also imports pyplot and resolves its backend (matplotlib-inline under ipykernel),
so interactive mode and the inline figure flush are part of the baseline: pyplot figures show
as in a cold kernel.

What it cannot undo (see :mod:`helpers.engine` for the list): in-place changes to other objects
(a DataFrame held by a module, a class attribute), state inside third-party modules that a
notebook imported for the first time, threads or files a notebook left behind.

Only the standard library is imported at module level: importing this module must not change
what the kernel has loaded.
"""
from __future__ import annotations

import copy
import gc
import importlib
import os
import sys
import warnings

#: Module name prefixes whose globals are restored between notebooks (the kit itself).
WATCHED_PREFIXES = ("helpers",)

_BASELINE: dict | None = None
_PRISTINE_NS: dict = {}
#: Names the engine's control code binds in the user namespace (dropped by the reset).
_CONTROL_NAMES = ("_hwk",)


def _watched(name: str) -> bool:
    return name != __name__ and any(name == p or name.startswith(p + ".") for p in WATCHED_PREFIXES)


def _installed_roots() -> tuple[str, ...]:
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return tuple(r.rstrip(os.sep) + os.sep for r in roots)


def _forgettable(name: str, module, roots: tuple[str, ...]) -> bool:
    """True for a module imported by a notebook that a fresh import would recreate faithfully:
    a kit module, or a pure-Python module from outside the interpreter (a project folder)."""
    if _watched(name):
        return True
    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py"):
        return False  # built-ins, extension modules, namespace packages: keep
    return not os.path.realpath(path).startswith(roots)


def _from_library(obj, roots: tuple[str, ...]) -> bool:
    """True for a function or class defined by an installed library (its module stays loaded, so
    what it registered with IPython stays too); False for one defined by a notebook or project
    code, which a fresh kernel would not have."""
    name = getattr(obj, "__module__", None) or ""
    module = sys.modules.get(name)
    return module is not None and name != "__main__" and not _forgettable(name, module, roots)


def _kit_instance(value) -> bool:
    """An instance of a class defined in a watched module (e.g. a lazily loaded registry)."""
    cls = type(value)
    return _watched(getattr(cls, "__module__", "") or "") and hasattr(value, "__dict__") \
        and not isinstance(value, type)


def _module_state(module) -> dict:
    """Shallow copy of a module's globals, plus deep copies of its plain containers and of the
    attributes of kit-defined objects it holds."""
    names = dict(vars(module))
    containers, instances = {}, {}
    for key, value in names.items():
        try:
            if type(value) in (dict, list, set):
                containers[key] = copy.deepcopy(value)
            elif _kit_instance(value):
                instances[key] = copy.deepcopy(vars(value))
        except Exception:  # noqa: BLE001 — not copyable: only the binding is restored
            pass
    return {"names": names, "containers": containers, "instances": instances}


def _differs(current, saved) -> bool:
    try:
        return bool(current != saved)
    except Exception:  # noqa: BLE001 — e.g. DataFrames inside: cannot compare, so restore
        return True


def _restore_module(module, state: dict) -> None:
    ns = vars(module)
    names = state["names"]
    for key in [k for k in ns if k not in names]:
        del ns[key]
    for key, value in names.items():
        if ns.get(key, _MISSING) is not value:
            ns[key] = value
    for key, saved in state["containers"].items():
        current = names[key]
        if _differs(current, saved):
            current.clear()
            if isinstance(current, list):
                current.extend(copy.deepcopy(saved))
            else:
                current.update(copy.deepcopy(saved))
    for key, saved in state["instances"].items():
        attrs = vars(names[key])
        if _differs(attrs, saved):
            attrs.clear()
            attrs.update(copy.deepcopy(saved))
    for value in names.values():
        if callable(value) and hasattr(value, "cache_clear") and \
                _watched(getattr(value, "__module__", "") or ""):
            value.cache_clear()


_MISSING = object()


def _rc_snapshot():
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib
    rc = dict(matplotlib.rcParams.copy())
    rc.pop("backend", None)  # restoring it would switch (or resolve) the backend
    return rc


def _rc_restore(rc) -> None:
    if "matplotlib" not in sys.modules:
        return
    import matplotlib
    if rc is None:  # matplotlib was first imported by a notebook: back to its defaults
        rc = dict(matplotlib.rcParamsDefault.copy())
        rc.pop("backend", None)
    params = matplotlib.rcParams
    if hasattr(params, "_update_raw"):
        params._update_raw(rc)
    else:  # matplotlib < 3.10
        dict.update(params, rc)


def _pandas_options():
    if "pandas" not in sys.modules:
        return None
    import pandas as pd
    from pandas._config import config
    options = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in list(config._registered_options):
            try:
                options[key] = copy.deepcopy(pd.get_option(key))
            except Exception:  # noqa: BLE001 — deprecated or unreadable option
                pass
    return options


def _restore_pandas(options) -> None:
    if options is None or "pandas" not in sys.modules:
        return
    import pandas as pd
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in options.items():
            try:
                if pd.get_option(key) != value:
                    pd.set_option(key, copy.deepcopy(value))
            except Exception:  # noqa: BLE001
                pass


def _numpy_state():
    if "numpy" not in sys.modules:
        return None
    import numpy as np
    return np.geterr(), np.get_printoptions()


def _restore_numpy(state) -> None:
    if state is None or "numpy" not in sys.modules:
        return
    import numpy as np
    err, printopts = state
    np.seterr(**err)
    opts = dict(printopts)
    try:
        np.set_printoptions(**opts)
    except TypeError:  # a key this release reports but does not accept
        opts.pop("override_repr", None)
        np.set_printoptions(**opts)


def _shell():
    from IPython import get_ipython
    return get_ipython()


def _load_font() -> None:
    """Register the packaged CJK font and render one line with it (glyph caches filled), then put
    rcParams back: the font is loaded, the settings are those of a kernel that has not drawn."""
    if "matplotlib" not in sys.modules:
        return
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from helpers.fonts import setup_cjk

    with matplotlib.rc_context():
        setup_cjk()
        fig = Figure(figsize=(1, 0.5), dpi=50)
        fig.text(0.1, 0.5, "指标目标年份 2025 年 12.5%")
        fig.savefig(io.BytesIO(), format="png")


def warm_up(modules=(), *, font: bool = True) -> None:
    """Import ``modules`` (names), load the CJK font and record the baseline state."""
    global _BASELINE, _PRISTINE_NS
    shell = _shell()
    if shell is not None:  # names a fresh kernel starts with (``_``, ``__doc__``, ``__spec__``…)
        _PRISTINE_NS = {k: v for k, v in shell.user_ns.items() if k not in _CONTROL_NAMES}
    for name in modules:
        importlib.import_module(name)
    if "matplotlib.pyplot" in sys.modules:
        # Resolve pyplot's backend now: under ipykernel that loads matplotlib-inline, which turns
        # interactive mode on and registers its figure flush, as a cold kernel's first pyplot
        # figure would. Part of the baseline, so pyplot notebooks show their figures as usual.
        pyplot = sys.modules["matplotlib.pyplot"]
        getattr(pyplot, "_get_backend_mod", lambda: None)()
    if font:
        _load_font()
    _BASELINE = snapshot()
    # what the baseline holds lives as long as the kernel: out of the collector's reach, each
    # report's collections (and the reset's) scan only what that report made
    gc.collect()
    gc.freeze()


def snapshot() -> dict:
    """The process state that :func:`reset` restores."""
    shell = _shell()
    return {
        "modules": set(sys.modules),
        "watched": {name: _module_state(mod) for name, mod in list(sys.modules.items())
                    if mod is not None and _watched(name)},
        "rc": _rc_snapshot(),
        "environ": dict(os.environ),
        "path": list(sys.path),
        "argv": list(sys.argv),
        "warnings": list(warnings.filters),
        "pandas": _pandas_options(),
        "numpy": _numpy_state(),
        "events": {k: list(v) for k, v in shell.events.callbacks.items()} if shell else None,
        "ast": list(shell.ast_transformers) if shell else None,
    }


def reset(cwd: str) -> None:
    """Bring the kernel back to the baseline of :func:`warm_up` and change to ``cwd``."""
    base = _BASELINE
    if base is None:
        raise RuntimeError("warm kernel reset before warm_up")
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    roots = _installed_roots()
    for name in [n for n in list(sys.modules) if n not in base["modules"]]:
        mod = sys.modules.get(name)
        if mod is None or _forgettable(name, mod, roots):
            sys.modules.pop(name, None)
    for name, state in base["watched"].items():
        mod = sys.modules.get(name)
        if mod is not None:
            _restore_module(mod, state)
    _rc_restore(base["rc"])
    for key in [k for k in os.environ if k not in base["environ"]]:
        del os.environ[key]
    for key, value in base["environ"].items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    sys.path[:] = base["path"]
    sys.argv[:] = base["argv"]
    warnings.filters[:] = base["warnings"]
    warnings.onceregistry.clear()
    mutated = getattr(warnings, "_filters_mutated", None) or \
        getattr(warnings, "_filters_mutated_lock_held", None)
    if mutated is not None:
        mutated()  # invalidates every module's __warningregistry__ ("once"/"default" filters)
    _restore_pandas(base["pandas"])
    _restore_numpy(base["numpy"])
    os.chdir(cwd)
    shell = _shell()
    if shell is not None:
        if base["events"] is not None:
            for key, callbacks in shell.events.callbacks.items():
                kept = base["events"].get(key, [])
                callbacks[:] = [cb for cb in callbacks
                                if any(cb is k for k in kept) or _from_library(cb, roots)]
        if base["ast"] is not None:
            shell.ast_transformers[:] = [t for t in shell.ast_transformers
                                         if any(t is k for k in base["ast"])
                                         or _from_library(type(t), roots)]
        shell.reset(new_session=True)  # namespace, Out/_ cache, history, execution_count = 1
        for key, value in _PRISTINE_NS.items():  # what reset drops but a fresh kernel has
            shell.user_ns.setdefault(key, value)
    gc.collect()
