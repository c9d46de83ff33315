//! Core: the syntaxes of the files policy-check reads, and the one table of
//! file-name extensions that decides a file's syntax (walking, host kinds,
//! suppression comments and the language server all ask it).

/// The syntax a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    /// Terraform's HCL.
    Hcl,
    Yaml,
}

/// Every extension read, with its syntax (`.tf.json` is JSON).
const EXTENSIONS: &[(&str, Syntax)] = &[
    (".json", Syntax::Json),
    (".tf", Syntax::Hcl),
    (".yaml", Syntax::Yaml),
    (".yml", Syntax::Yaml),
];

/// What a suppression comment starts with, after `#` or `//`, in every host
/// that has comments.
pub const SUPPRESSION_MARKER: &str = "policy-check:";

/// Whether `bytes` hold a suppression marker: almost no file does, so this
/// cheap look comes before any reading of comments.
pub fn holds_suppression_marker(bytes: &[u8]) -> bool {
    bytes
        .windows(SUPPRESSION_MARKER.len())
        .any(|w| w == SUPPRESSION_MARKER.as_bytes())
}

impl Syntax {
    /// The syntax of a file named `name`, by its extension in any case;
    /// `None` for a name policy-check does not read.
    pub fn of(name: &str) -> Option<Syntax> {
        // Asked of every input, several times: compared in place, not lowered
        // into a copy (the extensions are lower-case ASCII).
        let name = name.as_bytes();
        EXTENSIONS
            .iter()
            .find(|(extension, _)| {
                name.len() >= extension.len()
                    && name[name.len() - extension.len()..].eq_ignore_ascii_case(extension.as_bytes())
            })
            .map(|(_, syntax)| *syntax)
    }

    /// Whether files of this syntax have comments (and so suppression comments).
    pub fn has_comments(self) -> bool {
        self != Syntax::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_decide_the_syntax_in_any_case() {
        assert_eq!(Syntax::of("a/p.JSON"), Some(Syntax::Json));
        assert_eq!(Syntax::of("main.tf"), Some(Syntax::Hcl));
        assert_eq!(Syntax::of("plan.tf.json"), Some(Syntax::Json));
        assert_eq!(Syntax::of("t.yml"), Some(Syntax::Yaml));
        assert_eq!(Syntax::of("t.Yaml"), Some(Syntax::Yaml));
        assert_eq!(Syntax::of("notes.txt"), None);
        assert_eq!(Syntax::of("tf"), None);
        assert_eq!(Syntax::of("é.TF"), Some(Syntax::Hcl));
        assert_eq!(Syntax::of("p.jsoné"), None);
        assert!(!Syntax::Json.has_comments() && Syntax::Hcl.has_comments());
    }
}
