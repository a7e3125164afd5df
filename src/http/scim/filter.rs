//! SCIM filters (RFC 7644 section 3.4.2.2) and PATCH paths (section
//! 3.5.2), parsed, and evaluated against a resource as its JSON: what a
//! filter means is decided on the representation the client sees, so it
//! cannot disagree with it.
//!
//! Attribute names are compared without case, as the RFC says; values too,
//! except those of `caseExact` attributes (`id`, `externalId`, `meta.version`).

use std::cmp::Ordering;

use serde_json::Value;

use crate::domain::Timestamp;

/// Why a filter or path was refused: the text for SCIM's `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

fn invalid<T>(message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(message.into()))
}

/// `name` or `name.sub`, spelled as given (compared without case); a
/// schema URI prefix is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub attr: String,
    pub sub: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare(AttrPath, Op, Value),
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: some value of `attr` passes the filter,
    /// whose paths name its sub-attributes.
    Where(AttrPath, Box<Filter>),
}

/// A PATCH operation's `path`: an attribute, or the values of a
/// multi-valued one that pass a filter, and optionally their sub-attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    /// After the filter: `emails[type eq "work"].value`.
    pub sub: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    /// `].` after a value filter: a sub-attribute follows.
    Dot,
}

fn tokens(text: &str) -> Result<Vec<Token>, Invalid> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '[' => {
                chars.next();
                out.push(Token::OpenBracket);
            }
            ']' => {
                chars.next();
                out.push(Token::CloseBracket);
                if chars.peek() == Some(&'.') {
                    chars.next();
                    out.push(Token::Dot);
                }
            }
            '"' => {
                // A JSON string, escapes and all.
                let mut raw = String::from('"');
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    raw.push(c);
                    if c == '\\' {
                        if let Some(next) = chars.next() {
                            raw.push(next);
                        }
                    } else if c == '"' {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return invalid("a string is not closed");
                }
                match serde_json::from_str::<String>(&raw) {
                    Ok(s) => out.push(Token::Str(s)),
                    Err(_) => return invalid(format!("{raw} is not a valid string")),
                }
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if matches!(c, ' ' | '\t' | '\n' | '\r' | '(' | ')' | '[' | ']' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    Ok(out)
}

fn attr_path(word: &str) -> Result<AttrPath, Invalid> {
    // A URI prefix (urn:ietf:params:scim:schemas:core:2.0:User:userName)
    // names the schema; the attribute follows its last colon.
    let name = match word.rfind(':') {
        Some(i) if word.to_ascii_lowercase().starts_with("urn:") => &word[i + 1..],
        _ => word,
    };
    let (attr, sub) = match name.split_once('.') {
        Some((a, s)) => (a, Some(s)),
        None => (name, None),
    };
    let valid = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'))
    };
    if !valid(attr) || sub.is_some_and(|s| !valid(s)) {
        return invalid(format!("{word:?} is not an attribute path"));
    }
    Ok(AttrPath {
        attr: attr.to_owned(),
        sub: sub.map(str::to_owned),
    })
}

fn op(word: &str) -> Option<Op> {
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "co" => Op::Co,
        "sw" => Op::Sw,
        "ew" => Op::Ew,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "lt" => Op::Lt,
        "le" => Op::Le,
        _ => return None,
    })
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    /// or-expression: the loosest.
    fn or(&mut self) -> Result<Filter, Invalid> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.next();
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, Invalid> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.next();
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, Invalid> {
        if self.keyword("not") {
            self.next();
            if self.peek() != Some(&Token::Open) {
                return invalid("\"not\" must be followed by a filter in parentheses");
            }
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => invalid("a parenthesis is not closed"),
                }
            }
            Some(Token::Word(word)) => {
                let path = attr_path(&word)?;
                if self.peek() == Some(&Token::OpenBracket) {
                    self.next();
                    let inner = self.or()?;
                    if self.next() != Some(Token::CloseBracket) {
                        return invalid("a \"[\" is not closed");
                    }
                    return Ok(Filter::Where(path, Box::new(inner)));
                }
                self.comparison(path)
            }
            Some(other) => invalid(format!("unexpected {other:?} in the filter")),
            None => invalid("the filter ends too soon"),
        }
    }

    fn comparison(&mut self, path: AttrPath) -> Result<Filter, Invalid> {
        let Some(Token::Word(word)) = self.next() else {
            return invalid("an attribute must be followed by an operator");
        };
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = op(&word) else {
            return invalid(format!("{word:?} is not a filter operator"));
        };
        let value = match self.next() {
            Some(Token::Str(s)) => Value::String(s),
            Some(Token::Word(w)) => match w.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                number => match serde_json::from_str::<serde_json::Number>(number) {
                    Ok(n) => Value::Number(n),
                    Err(_) => return invalid(format!("{number:?} is not a value")),
                },
            },
            _ => return invalid("an operator must be followed by a value"),
        };
        Ok(Filter::Compare(path, op, value))
    }
}

/// Parses a whole filter.
pub fn parse(text: &str) -> Result<Filter, Invalid> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
    };
    if parser.tokens.is_empty() {
        return invalid("the filter is empty");
    }
    let filter = parser.or()?;
    match parser.peek() {
        None => Ok(filter),
        Some(t) => invalid(format!("unexpected {t:?} after the filter")),
    }
}

/// Parses a PATCH `path`.
pub fn parse_path(text: &str) -> Result<PatchPath, Invalid> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
    };
    let Some(Token::Word(word)) = parser.next() else {
        return invalid(format!("{text:?} is not a path"));
    };
    let attr = attr_path(&word)?;
    let mut path = PatchPath {
        attr,
        filter: None,
        sub: None,
    };
    if parser.peek() == Some(&Token::OpenBracket) {
        if path.attr.sub.is_some() {
            return invalid(format!("{text:?} filters a sub-attribute"));
        }
        parser.next();
        path.filter = Some(parser.or()?);
        if parser.next() != Some(Token::CloseBracket) {
            return invalid("a \"[\" is not closed");
        }
        if parser.peek() == Some(&Token::Dot) {
            parser.next();
            match parser.next() {
                Some(Token::Word(sub)) => path.sub = Some(attr_path(&sub)?.attr),
                _ => return invalid(format!("{text:?} ends in a dot")),
            }
        }
    }
    match parser.peek() {
        None => Ok(path),
        Some(t) => invalid(format!("unexpected {t:?} in the path")),
    }
}

/// The member of `object` named `name`, without case.
pub fn member<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn case_exact(path: &AttrPath) -> bool {
    let sub = path.sub.as_deref().map(str::to_ascii_lowercase);
    matches!(
        (path.attr.to_ascii_lowercase().as_str(), sub.as_deref()),
        ("id", None) | ("externalid", None) | ("meta", Some("version"))
    )
}

/// What `path` finds in `resource`: the values to compare (a multi-valued
/// attribute's every value, or each value's sub-attribute; `emails eq x`
/// compares each email's `value`).
fn values<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(top) = member(resource, &path.attr) else {
        return Vec::new();
    };
    let pick = |v: &'a Value| -> Option<&'a Value> {
        match &path.sub {
            Some(sub) => member(v, sub),
            // A complex value compared as a whole is its `value`.
            None if v.is_object() => member(v, "value"),
            None => Some(v),
        }
    };
    match top {
        Value::Array(items) => items.iter().filter_map(pick).collect(),
        single => pick(single).into_iter().collect(),
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn compare_one(found: &Value, op: Op, wanted: &Value, exact: bool) -> bool {
    match (found, wanted) {
        (Value::String(f), Value::String(w)) => {
            let (f, w) = if exact {
                (f.clone(), w.clone())
            } else {
                (f.to_lowercase(), w.to_lowercase())
            };
            // Two instants compare as instants, whatever their spelling.
            let order = match (Timestamp::parse_rfc3339(&f), Timestamp::parse_rfc3339(&w)) {
                (Ok(a), Ok(b)) if !matches!(op, Op::Co | Op::Sw | Op::Ew) => a.cmp(&b),
                _ => f.cmp(&w),
            };
            match op {
                Op::Eq => order == Ordering::Equal,
                Op::Ne => order != Ordering::Equal,
                Op::Co => f.contains(&w),
                Op::Sw => f.starts_with(&w),
                Op::Ew => f.ends_with(&w),
                Op::Gt => order == Ordering::Greater,
                Op::Ge => order != Ordering::Less,
                Op::Lt => order == Ordering::Less,
                Op::Le => order != Ordering::Greater,
            }
        }
        (Value::Bool(f), Value::Bool(w)) => match op {
            Op::Eq => f == w,
            Op::Ne => f != w,
            _ => false,
        },
        (Value::Number(f), Value::Number(w)) => {
            let (f, w) = (
                f.as_f64().unwrap_or(f64::NAN),
                w.as_f64().unwrap_or(f64::NAN),
            );
            match op {
                Op::Eq => f == w,
                Op::Ne => f != w,
                Op::Gt => f > w,
                Op::Ge => f >= w,
                Op::Lt => f < w,
                Op::Le => f <= w,
                _ => false,
            }
        }
        _ => false,
    }
}

impl Filter {
    /// Whether `resource` (a SCIM resource as JSON) passes.
    pub fn matches(&self, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(resource) && b.matches(resource),
            Filter::Or(a, b) => a.matches(resource) || b.matches(resource),
            Filter::Not(f) => !f.matches(resource),
            Filter::Present(path) => values(resource, path).into_iter().any(present),
            Filter::Compare(path, op, wanted) => {
                let found = values(resource, path);
                // `ne null` is `pr`; `eq null` is its opposite.
                if wanted.is_null() {
                    let any = found.into_iter().any(present);
                    return match op {
                        Op::Eq => !any,
                        Op::Ne => any,
                        _ => false,
                    };
                }
                let exact = case_exact(path);
                if *op == Op::Ne {
                    return !found
                        .into_iter()
                        .any(|f| compare_one(f, Op::Eq, wanted, exact));
                }
                found
                    .into_iter()
                    .any(|f| compare_one(f, *op, wanted, exact))
            }
            Filter::Where(path, inner) => match member(resource, &path.attr) {
                Some(Value::Array(items)) => items.iter().any(|item| inner.matches(item)),
                Some(item @ Value::Object(_)) => inner.matches(item),
                _ => false,
            },
        }
    }

    /// Whether the filter looks at the attribute `attr` at all.
    pub fn mentions(&self, attr: &str) -> bool {
        match self {
            Filter::Compare(path, ..) | Filter::Present(path) | Filter::Where(path, _) => {
                path.attr.eq_ignore_ascii_case(attr)
            }
            Filter::And(a, b) | Filter::Or(a, b) => a.mentions(attr) || b.mentions(attr),
            Filter::Not(f) => f.mentions(attr),
        }
    }

    /// The value a filter of exactly `attr eq "value"` asks for: what an
    /// identity provider's look-up sends, answered from an index.
    pub fn equals(&self, attr: &str) -> Option<&str> {
        match self {
            Filter::Compare(path, Op::Eq, Value::String(s))
                if path.attr.eq_ignore_ascii_case(attr)
                    && path
                        .sub
                        .as_deref()
                        .is_none_or(|s| s.eq_ignore_ascii_case("value")) =>
            {
                Some(s)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn alice() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "0190a000-0000-7000-8000-000000000001",
            "externalId": "Ext-1",
            "userName": "alice",
            "name": {"formatted": "Alice Liddell"},
            "displayName": "Alice Liddell",
            "emails": [
                {"value": "alice@example.com", "type": "work", "primary": true},
                {"value": "alice@home.example", "type": "home"}
            ],
            "active": true,
            "meta": {"lastModified": "2026-12-05T10:00:00.000Z", "version": "W/\"1\""}
        })
    }

    fn passes(filter: &str) -> bool {
        parse(filter)
            .unwrap_or_else(|e| panic!("{filter}: {e:?}"))
            .matches(&alice())
    }

    #[test]
    fn every_operator_and_logic_as_the_rfc_has_them() {
        for (filter, want) in [
            ("userName eq \"alice\"", true),
            ("USERNAME EQ \"ALICE\"", true),
            ("userName ne \"alice\"", false),
            ("userName co \"lic\"", true),
            ("userName sw \"al\"", true),
            ("userName ew \"ce\"", true),
            ("userName gt \"aaa\"", true),
            ("userName ge \"alice\"", true),
            ("userName lt \"alice\"", false),
            ("userName le \"alice\"", true),
            ("externalId eq \"ext-1\"", false),
            ("externalId eq \"Ext-1\"", true),
            ("emails eq \"alice@home.example\"", true),
            ("emails.value eq \"ALICE@example.com\"", true),
            (
                "emails[type eq \"work\" and value co \"example.com\"]",
                true,
            ),
            ("emails[type eq \"other\"]", false),
            ("active eq true", true),
            ("active eq false", false),
            ("displayName pr", true),
            ("title pr", false),
            ("title eq null", true),
            ("meta.lastModified gt \"2026-12-05T09:00:00Z\"", true),
            ("meta.lastModified lt \"2026-12-05T10:00:00Z\"", false),
            (
                "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"alice\"",
                true,
            ),
            ("userName eq \"bob\" or active eq true", true),
            (
                "userName eq \"bob\" or active eq true and displayName pr",
                true,
            ),
            (
                "(userName eq \"bob\" or active eq true) and title pr",
                false,
            ),
            ("not (userName eq \"bob\")", true),
            ("not (userName eq \"alice\") or title pr", false),
        ] {
            assert_eq!(passes(filter), want, "{filter}");
        }
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        for filter in [
            "",
            "userName",
            "userName zz \"a\"",
            "userName eq",
            "userName eq \"a",
            "(userName eq \"a\"",
            "userName eq \"a\" and",
            "emails[type eq \"work\"",
            "not userName eq \"a\"",
            "user name eq \"a\"",
            "userName eq bare",
        ] {
            assert!(parse(filter).is_err(), "{filter:?} parses");
        }
    }

    #[test]
    fn patch_paths_name_an_attribute_or_some_of_its_values() {
        let p = parse_path("emails[type eq \"work\"].value").unwrap();
        assert_eq!(p.attr.attr, "emails");
        assert_eq!(p.sub.as_deref(), Some("value"));
        assert!(p.filter.unwrap().matches(&json!({"type": "work"})));
        let p = parse_path("name.formatted").unwrap();
        assert_eq!(
            (p.attr.attr.as_str(), p.attr.sub.as_deref()),
            ("name", Some("formatted"))
        );
        let p = parse_path("members[value eq \"x\"]").unwrap();
        assert!(p.sub.is_none() && p.filter.is_some());
        for bad in [
            "",
            "emails[",
            "emails[type eq \"w\"].",
            "a b",
            "name.formatted[x pr]",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse("userName eq \"a@b\"").unwrap().equals("username"),
            Some("a@b")
        );
    }
}
