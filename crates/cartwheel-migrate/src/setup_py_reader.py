"""Print the literal arguments of setup.py's setup(...) call as JSON; never runs setup.py."""
import ast
import json
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    tree = ast.parse(src, path)
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                consts[node.targets[0].id] = literal(node.value, consts)
            except ValueError:
                pass
    out = {"found": False, "args": {}, "computed": {}, "star": []}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name != "setup":
            continue
        out["found"] = True
        for kw in node.keywords:
            where = {"line": kw.value.lineno, "col": kw.value.col_offset + 1}
            if kw.arg is None:
                out["star"].append({"source": ast.get_source_segment(src, kw.value), **where})
                continue
            try:
                out["args"][kw.arg] = {"value": literal(kw.value, consts), **where}
            except ValueError:
                strings = [n.value for n in ast.walk(kw.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                out["computed"][kw.arg] = {"source": ast.get_source_segment(src, kw.value), "strings": strings, **where}
        break
    print(json.dumps(out))


def literal(node, consts):
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id]
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ("find_packages", "find_namespace_packages") and not node.args[1:]:
            spec = {"$find": name}
            if node.args:
                spec["where"] = literal(node.args[0], consts)
            for kw in node.keywords:
                spec[kw.arg] = literal(kw.value, consts)
            return spec
        raise ValueError(name)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [literal(e, consts) for e in node.elts]
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {literal(k, consts): literal(v, consts) for k, v in zip(node.keys, node.values)}
    return ast.literal_eval(node)


if __name__ == "__main__":
    main(sys.argv[1])
