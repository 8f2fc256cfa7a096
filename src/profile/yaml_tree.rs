//! A small located YAML tree. serde gives us typed values but forgets where they came from; this
//! tree remembers the line and column of every key and value so each problem can be reported
//! at its YAML path *and* its place in the file, and so a profile with several problems can be
//! re-checked with the offending node removed (see `load.rs`).

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a path the way users read it in messages: `privateJet.clusters[1].name`.
pub fn path_string(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[derive(Debug, Clone)]
pub enum Kind {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar { value: String, plain: bool },
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub start: Pos,
    pub end: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

fn pos(m: &serde_saphyr::granit_parser::Marker) -> Pos {
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

/// Parses the first document. An empty file is an empty mapping, so that "missing field"
/// errors name what is missing instead of complaining about emptiness.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut events = Vec::new();
    for ev in Parser::new_from_str(text) {
        match ev {
            Ok((e, span)) => events.push((e, pos(&span.start), pos(&span.end))),
            Err(e) => {
                return Err(SyntaxError {
                    pos: pos(e.marker()),
                    message: e.info().to_string(),
                });
            }
        }
    }
    let mut it = events.into_iter().filter(|(e, _, _)| {
        !matches!(
            e,
            Event::StreamStart | Event::DocumentStart(..) | Event::Comment(..) | Event::Anchor(..)
        )
    });
    match it.next() {
        None | Some((Event::StreamEnd, _, _)) | Some((Event::DocumentEnd, _, _)) => Ok(Node {
            kind: Kind::Map(Vec::new()),
            start: Pos { line: 1, col: 1 },
            end: Pos { line: 1, col: 1 },
        }),
        Some(first) => build(first, &mut it),
    }
}

type Ev<'a> = (Event<'a>, Pos, Pos);

fn build<'a>(first: Ev<'a>, it: &mut impl Iterator<Item = Ev<'a>>) -> Result<Node, SyntaxError> {
    let (ev, start, end) = first;
    let unexpected = |p: Pos, what: &str| SyntaxError {
        pos: p,
        message: format!("unexpected {what}"),
    };
    match ev {
        Event::Scalar(v, style, _, _) => Ok(Node {
            kind: Kind::Scalar {
                value: v.into_owned(),
                plain: style == ScalarStyle::Plain,
            },
            start,
            end,
        }),
        // Aliases are rare in profiles; a placeholder keeps positions without expanding them.
        Event::Alias(_) | Event::UnresolvedAlias(_) => Ok(Node {
            kind: Kind::Scalar {
                value: String::new(),
                plain: true,
            },
            start,
            end,
        }),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                let Some(next) = it.next() else {
                    return Err(unexpected(end, "end of input in a sequence"));
                };
                if let (Event::SequenceEnd, _, e) = next {
                    return Ok(Node {
                        kind: Kind::Seq(items),
                        start,
                        end: e,
                    });
                }
                items.push(build(next, it)?);
            }
        }
        Event::MappingStart(..) => {
            let mut entries = Vec::new();
            loop {
                let Some(next) = it.next() else {
                    return Err(unexpected(end, "end of input in a mapping"));
                };
                if let (Event::MappingEnd, _, e) = next {
                    return Ok(Node {
                        kind: Kind::Map(entries),
                        start,
                        end: e,
                    });
                }
                let key_node = build(next, it)?;
                let key = match &key_node.kind {
                    Kind::Scalar { value, .. } => value.clone(),
                    _ => {
                        return Err(SyntaxError {
                            pos: key_node.start,
                            message: "mapping keys must be plain strings".into(),
                        });
                    }
                };
                let Some(vnext) = it.next() else {
                    return Err(unexpected(end, "end of input after a key"));
                };
                let value = build(vnext, it)?;
                entries.push(Entry {
                    key,
                    key_pos: key_node.start,
                    value,
                });
            }
        }
        _ => Err(unexpected(start, "YAML event")),
    }
}

impl Node {
    /// The node at `path`, if present.
    pub fn get(&self, path: &[Seg]) -> Option<&Node> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match (&self.kind, first) {
            (Kind::Map(es), Seg::Key(k)) => es.iter().find(|e| &e.key == k)?.value.get(rest),
            (Kind::Seq(items), Seg::Index(i)) => items.get(*i)?.get(rest),
            _ => None,
        }
    }

    /// Where to point a user for `path`: the key of a mapping entry (that is what they typed),
    /// the start of a sequence item, or the nearest ancestor that exists when the path names
    /// something missing.
    pub fn locate(&self, path: &[Seg]) -> Pos {
        let mut node = self;
        let mut best = self.start;
        for seg in path {
            match (&node.kind, seg) {
                (Kind::Map(es), Seg::Key(k)) => match es.iter().find(|e| &e.key == k) {
                    Some(e) => {
                        best = e.key_pos;
                        node = &e.value;
                    }
                    None => return best,
                },
                (Kind::Seq(items), Seg::Index(i)) => match items.get(*i) {
                    Some(n) => {
                        best = n.start;
                        node = n;
                    }
                    None => return best,
                },
                _ => return best,
            }
        }
        best
    }

    /// The deepest path whose key or value starts at or spans `p`. serde-saphyr reports the
    /// position of the offending token; this turns it back into a YAML path.
    pub fn path_at(&self, p: Pos) -> Vec<Seg> {
        let mut path = Vec::new();
        let mut node = self;
        'outer: loop {
            match &node.kind {
                Kind::Map(es) => {
                    for e in es {
                        if e.key_pos == p
                            || contains(&e.value, p)
                            || (e.key_pos <= p && p < e.value.start)
                        {
                            path.push(Seg::Key(e.key.clone()));
                            node = &e.value;
                            continue 'outer;
                        }
                    }
                    return path;
                }
                Kind::Seq(items) => {
                    for (i, n) in items.iter().enumerate() {
                        if contains(n, p) {
                            path.push(Seg::Index(i));
                            node = n;
                            continue 'outer;
                        }
                    }
                    return path;
                }
                Kind::Scalar { .. } => return path,
            }
        }
    }

    /// Removes the entry or item at `path`; returns whether something was removed.
    pub fn remove(&mut self, path: &[Seg]) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for seg in parent {
            let next = match (&mut node.kind, seg) {
                (Kind::Map(es), Seg::Key(k)) => {
                    es.iter_mut().find(|e| &e.key == k).map(|e| &mut e.value)
                }
                (Kind::Seq(items), Seg::Index(i)) => items.get_mut(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return false,
            }
        }
        match (&mut node.kind, last) {
            (Kind::Map(es), Seg::Key(k)) => {
                let before = es.len();
                es.retain(|e| &e.key != k);
                before != es.len()
            }
            (Kind::Seq(items), Seg::Index(i)) if *i < items.len() => {
                items.remove(*i);
                true
            }
            _ => false,
        }
    }

    /// Puts `node` at `path`, replacing what is there or adding a mapping entry; returns
    /// whether the parent exists.
    pub fn set(&mut self, path: &[Seg], node: Node) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        let mut cur = self;
        for seg in parent {
            let next = match (&mut cur.kind, seg) {
                (Kind::Map(es), Seg::Key(k)) => {
                    es.iter_mut().find(|e| &e.key == k).map(|e| &mut e.value)
                }
                (Kind::Seq(items), Seg::Index(i)) => items.get_mut(*i),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return false,
            }
        }
        match (&mut cur.kind, last) {
            (Kind::Map(es), Seg::Key(k)) => {
                match es.iter_mut().find(|e| &e.key == k) {
                    Some(e) => e.value = node,
                    None => es.push(Entry {
                        key: k.clone(),
                        key_pos: node.start,
                        value: node,
                    }),
                }
                true
            }
            (Kind::Seq(items), Seg::Index(i)) if *i < items.len() => {
                items[*i] = node;
                true
            }
            _ => false,
        }
    }

    /// The path itself when it names a mapping, else its nearest mapping ancestor.
    pub fn enclosing_map(&self, path: &[Seg]) -> Vec<Seg> {
        let mut p = path.to_vec();
        loop {
            if matches!(self.get(&p).map(|n| &n.kind), Some(Kind::Map(_))) || p.is_empty() {
                return p;
            }
            p.pop();
        }
    }

    /// Block-style YAML for this tree. Plain scalars stay plain so that re-reading the text
    /// gives the same typed values as the original; everything else is double-quoted.
    pub fn emit(&self) -> String {
        let mut out = String::new();
        emit_node(self, 0, &mut out);
        out
    }
}

fn contains(n: &Node, p: Pos) -> bool {
    n.start <= p && p < n.end || n.start == p
}

fn quoted(s: &str) -> String {
    // JSON string escapes are a subset of YAML double-quoted escapes.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn scalar_text(value: &str, plain: bool) -> String {
    if plain && !value.is_empty() && !value.contains('\n') {
        value.to_string()
    } else if plain {
        // an empty plain scalar is YAML null
        "~".into()
    } else {
        quoted(value)
    }
}

fn emit_node(n: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match &n.kind {
        Kind::Scalar { value, plain } => {
            out.push_str(&scalar_text(value, *plain));
            out.push('\n');
        }
        Kind::Map(es) if es.is_empty() => out.push_str("{}\n"),
        Kind::Seq(items) if items.is_empty() => out.push_str("[]\n"),
        Kind::Map(es) => {
            out.push('\n');
            for e in es {
                out.push_str(&pad);
                out.push_str(&quoted(&e.key));
                out.push_str(": ");
                emit_node(&e.value, indent + 2, out);
            }
        }
        Kind::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                emit_node(item, indent + 2, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "a:\n  b: 1\n  c:\n    - x: 'q'\n    - y: z\nd: \"hi\"\n";

    #[test]
    fn locates_keys_and_items() {
        let t = parse(DOC).unwrap();
        let p = |s: &[Seg]| t.locate(s);
        assert_eq!(
            p(&[Seg::Key("a".into()), Seg::Key("b".into())]),
            Pos { line: 2, col: 3 }
        );
        assert_eq!(
            p(&[Seg::Key("a".into()), Seg::Key("c".into()), Seg::Index(1)]),
            Pos { line: 5, col: 7 }
        );
        // missing leaf: the nearest ancestor
        assert_eq!(
            p(&[Seg::Key("a".into()), Seg::Key("zz".into())]),
            Pos { line: 1, col: 1 }
        );
    }

    #[test]
    fn path_at_finds_the_deepest_node() {
        let t = parse(DOC).unwrap();
        let path = t.path_at(Pos { line: 5, col: 10 });
        assert_eq!(path_string(&path), "a.c[1].y");
        assert_eq!(path_string(&t.path_at(Pos { line: 6, col: 1 })), "d");
    }

    #[test]
    fn emit_round_trips_and_remove_works() {
        let mut t = parse(DOC).unwrap();
        assert!(t.remove(&[Seg::Key("a".into()), Seg::Key("b".into())]));
        let again = parse(&t.emit()).unwrap();
        assert!(
            again
                .get(&[Seg::Key("a".into()), Seg::Key("b".into())])
                .is_none()
        );
        assert!(again.get(&[Seg::Key("d".into())]).is_some());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
    }
}
