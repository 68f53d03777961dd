"""Call one PEP 517 hook in this fresh process, the way a frontend's hook runner does.

    python hook.py wheel|sdist MODULE TREE OUTROOT [TRASH]
    python hook.py e2e         -      TREE OUTROOT [TRASH]   (== python -m build --no-isolation)

- chdir to TREE (PEP 517: the hook runs with the project root as cwd),
- move away (one rename each, into TRASH) what an earlier build left in the tree
  (setuptools build/ and *.egg-info, ...): every build starts from a clean checkout,
  and the cost of deleting the leftovers is not charged to the next build,
- make a new empty output folder under OUTROOT,
- import MODULE and call build_wheel / build_sdist (config_settings None), or run the
  `build` frontend in-process (what `python -m build` runs, minus runpy).
Deliberately imports nothing beyond os/sys so that it adds no start-up cost of its own.
"""
import os
import sys


def clean_tree(tree, trash):
    listing = tree.rstrip("/") + ".toplevel"  # written by run.py next to the tree
    try:
        with open(listing) as f:
            keep = set(f.read().split("\n"))
    except OSError:
        return
    for rel in list(keep):
        if "/" in rel:  # a module root folder such as src/: check it too
            keep.add(rel.split("/")[0])
    dirs = {""} | {r.split("/")[0] + "/" for r in keep if "/" in r}
    for d in dirs:
        try:
            names = os.listdir(d or ".")
        except OSError:
            continue
        for n in names:
            rel = d + n
            if rel not in keep:
                os.makedirs(trash, exist_ok=True)
                os.rename(rel, os.path.join(trash, f"{os.getpid()}-{os.urandom(4).hex()}-{n}"))


def main():
    op, module, tree, outroot = sys.argv[1:5]
    trash = sys.argv[5] if len(sys.argv) > 5 else os.path.join(outroot, ".trash")
    tree = os.path.abspath(tree)
    os.chdir(tree)
    clean_tree(tree, trash)
    out = os.path.join(outroot, f"{os.getpid()}-{os.urandom(4).hex()}")
    os.makedirs(out)
    if op == "e2e":
        from build.__main__ import main as build_main

        build_main(["--no-isolation", "--outdir", out, "."], "python -m build")
        return
    mod, _, obj = module.partition(":")  # PEP 517: "pkg.mod" or "pkg.mod:object"
    backend = __import__(mod, fromlist=["_"])
    for attr in filter(None, obj.split(".")):
        backend = getattr(backend, attr)
    if op == "wheel":
        name = backend.build_wheel(out, None, None)
    elif op == "sdist":
        name = backend.build_sdist(out, None)
    else:
        raise SystemExit("unknown op " + op)
    sys.stdout.write(os.path.join(out, name) + "\n")


if __name__ == "__main__":
    main()
