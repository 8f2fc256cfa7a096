#!/usr/bin/env python3
"""Import cycles among kmpilot's modules: file-level graph of `crate::a::b` / `super::x` references
(use lines and paths in code), collapsed to (1) top-level modules and (2) files inside one folder.
Prints strongly connected components with more than one member. `--check`: exit 1 when there is any
(CI runs it, so a new cycle fails the build)."""
import os, re, sys, collections
args = [a for a in sys.argv[1:] if a != '--check']
check = '--check' in sys.argv[1:]
root = args[0] if args else 'src'
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs') and f != 'tests.rs':
            p = os.path.join(d, f); rel = os.path.relpath(p, root)[:-3].split(os.sep)
            if rel[-1] == 'mod': rel = rel[:-1]
            if rel in (['lib'], ['main']): rel = []
            files[tuple(rel)] = open(p).read()
def strip_tests(s):
    # code only: test modules and comments do not make a dependency
    i = s.find('#[cfg(test)]')
    s = s if i < 0 else s[:i]
    return re.sub(r'//[^\n]*', '', s)
def resolve(mod, path):
    # path: list of segments after crate:: or relative
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in files: return tuple(path[:n])
    return None
edges = collections.defaultdict(set)
for mod, src in files.items():
    src = strip_tests(src)
    for m in re.finditer(r'\bcrate((?:::\w+)+)', src):
        t = resolve(mod, m.group(1).split('::')[1:])
        if t is not None and t != mod: edges[mod].add(t)
    for m in re.finditer(r'\b((?:super::)+)(\w+(?:::\w+)*)', src):
        ups = m.group(1).count('super::')
        base = list(mod[:-ups]) if ups <= len(mod) else []
        t = resolve(mod, base + m.group(2).split('::'))
        if t is not None and t != mod: edges[mod].add(t)
    # `use super::{a, b}` groups
    for m in re.finditer(r'\buse super::\{([^}]*)\}', src):
        for name in re.findall(r'\b(\w+)\b', m.group(1)):
            t = resolve(mod, list(mod[:-1]) + [name])
            if t is not None and t != mod: edges[mod].add(t)
def sccs(nodes, E):
    idx = {}; low = {}; st = []; on = set(); out = []; c = [0]
    sys.setrecursionlimit(10000)
    def go(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in E.get(v, ()):
            if w not in idx: go(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in nodes:
        if v not in idx: go(v)
    return out
# (1) top-level modules
top = collections.defaultdict(set)
for a, bs in edges.items():
    for b in bs:
        if a and b and a[0] != b[0]: top[a[0]].add(b[0])
tops = sorted({m[0] for m in files if m})
c1 = sccs(tops, top)
# (2) files within each folder
c2 = []
for folder in sorted({m[:-1] for m in files if len(m) >= 1}):
    members = [m for m in files if len(m) == len(folder) + 1 and m[:-1] == folder]
    E = {}
    for a in members:
        E[a] = set()
        for b in edges.get(a, ()):
            b2 = b[:len(folder) + 1]
            if b2 in members and b2 != a: E[a].add(b2)
    for comp in sccs(members, E):
        c2.append(['/'.join(x) for x in comp])
print("top-level module cycles:", len(c1))
for c in c1: print("  ", " <-> ".join(c))
print("file cycles inside a folder:", len(c2))
for c in c2: print("  ", " <-> ".join(c))
if check and (c1 or c2):
    sys.exit(1)
