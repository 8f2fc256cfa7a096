#!/usr/bin/env python3
"""Import cycles among kmpilot's modules: a file-level graph of `crate::a::b` / `super::x` references
(use lines and paths in code; a `mod.rs` also through its children's bare names), read at every
folder. A folder's members are its files, its subfolders (each standing for every file under it, so
a file deep in a subfolder is a source as much as a direct member) and its own `mod.rs` (the
parent). An edge between two files under a folder is an edge between the members holding them:
a child (or anything under it) importing from the parent `mod.rs` that imports or calls the child
is a loop, as is any cycle among siblings. Prints strongly connected components with more than
one member.

`--check` (CI): exit 1 on any cycle, except the parent–child loops named in `KNOWN_PARENT_LOOPS`
(a parent `mod.rs` that is still both its folder's front door and its shared ground: the debt,
listed so that it can only shrink). A listed folder must have no cycle once its `mod.rs` is left
out, and a listed folder that has no loop any more fails the check until it is struck off."""
import os, re, sys, collections
args = [a for a in sys.argv[1:] if a != '--check']
check = '--check' in sys.argv[1:]
root = args[0] if args else 'src'
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs') and f != 'tests.rs':
            p = os.path.join(d, f); rel = os.path.relpath(p, root)[:-3].split(os.sep)
            is_dir = rel[-1] == 'mod' or rel in (['lib'], ['main'])
            if rel[-1] == 'mod': rel = rel[:-1]
            if rel in (['lib'], ['main']): rel = []
            files[tuple(rel)] = (open(p).read(), is_dir)
def strip_tests(s):
    # code only: test modules and comments do not make a dependency
    i = s.find('#[cfg(test)]')
    s = s if i < 0 else s[:i]
    return re.sub(r'//[^\n]*', '', s)
def resolve(path):
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in files: return tuple(path[:n])
    return None
edges = collections.defaultdict(set)
def add(a, b):
    if b is not None and b != a: edges[a].add(b)
for mod, (src, is_dir) in files.items():
    src = strip_tests(src)
    for m in re.finditer(r'\bcrate((?:::\w+)+)', src):
        add(mod, resolve(m.group(1).split('::')[1:]))
    # `super::` from a folder's mod.rs is the folder's parent; from a file, the file's folder
    here = list(mod) if is_dir else list(mod[:-1])
    for m in re.finditer(r'\b((?:super::)+)(\w+(?:::\w+)*)', src):
        ups = m.group(1).count('super::') - 1
        base = here[:len(here) - ups] if ups <= len(here) else []
        add(mod, resolve(base + m.group(2).split('::')))
    for m in re.finditer(r'\buse super::\{([^}]*)\}', src):
        for name in re.findall(r'\b(\w+)\b', m.group(1)):
            add(mod, resolve(here + [name]))
    if is_dir:
        # a mod.rs names its children bare (`child::f()`, `use child::X`, `pub use self::child::X`)
        kids = {m[-1] for m in files if len(m) == len(mod) + 1 and m[:-1] == mod}
        for m in re.finditer(r'(?<![\w:])(?:self::)?(\w+)::', src):
            if m.group(1) in kids: add(mod, mod + (m.group(1),))
        for m in re.finditer(r'\buse (?:self::)?\{([^}]*)\}', src):
            for name in re.findall(r'\b(\w+)\b', m.group(1)):
                if name in kids: add(mod, mod + (name,))
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
# every folder (the crate root included): members are its direct files and subfolders, and
# its own mod.rs as the member `mod.rs`

# Folders whose mod.rs is still both the front door and the ground its children import (#26):
# each entry goes once its shared types and helpers live in sibling files.
KNOWN_PARENT_LOOPS = {}
folders = sorted({m[:-1] for m in files if m} | {()}, key=lambda f: (len(f), f))
found = []
for folder in folders:
    n = len(folder)
    def member(x):
        if x[:n] != folder: return None
        return x[:n + 1] if len(x) > n else folder + ('mod.rs',)
    E = collections.defaultdict(set); nodes = set()
    for a, bs in edges.items():
        a2 = member(a)
        if a2 is None: continue
        for b in bs:
            b2 = member(b)
            if b2 is not None and b2 != a2:
                E[a2].add(b2); nodes |= {a2, b2}
    for comp in sccs(sorted(nodes), E):
        found.append((folder, ['/'.join(x) for x in comp]))
print("cycles:", len(found))
for folder, comp in found:
    print("  in %s: %s" % ('/'.join(folder) or 'src', " <-> ".join(comp)))
bad = []
looped = set()
for folder, comp in found:
    name = '/'.join(folder)
    if name not in KNOWN_PARENT_LOOPS:
        bad.append("a cycle in %s: %s" % (name or 'src', " <-> ".join(comp)))
        continue
    looped.add(name)
    # a known parent loop may not hide a cycle among the siblings
    sib = [c for c in comp if not c.endswith('mod.rs')]
    n = len(folder)
    E = collections.defaultdict(set)
    for a, bs in edges.items():
        if a[:n] == folder and len(a) > n:
            for b in bs:
                if b[:n] == folder and len(b) > n and a[n] != b[n]:
                    E['/'.join(a[:n + 1])].add('/'.join(b[:n + 1]))
    for c in sccs(sorted(sib), E):
        bad.append("a cycle among the files of %s: %s" % (name, " <-> ".join(c)))
for name in sorted(set(KNOWN_PARENT_LOOPS) - looped):
    bad.append("%s has no parent loop any more: strike it off KNOWN_PARENT_LOOPS" % name)
bad = list(dict.fromkeys(bad))
print("known parent loops:", len(looped))
for b in bad: print("  FAIL:", b)
if check and bad:
    sys.exit(1)
