//! `policy-check completions SHELL`: clap_complete's scripts, generated from
//! the same clap definition as the parser, with the bash script repaired.

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap_complete::Shell;

use crate::core::Rule;

/// The completion script for `shell`, for the command `cmd` named `bin`.
pub(crate) fn script(shell: Shell, cmd: &mut clap::Command, bin: &str) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, cmd, bin, &mut script);
    if shell == Shell::Bash {
        repair_bash(&mut script, bin);
    }
    script
}

/// clap_complete 4.6 spells the bash script's states two ways for a binary
/// whose name has a hyphen (clap-rs/clap#6421): the loop that reads the words
/// sets `cmd="policy__check__subcmd__simulate"`, but the case labels that
/// complete each subcommand read `policy__subcmd__check__subcmd__simulate)`,
/// so nothing after a subcommand ever completed. The labels are respelled
/// the way the loop spells them; once clap_complete is fixed this finds
/// nothing to replace.
fn repair_bash(script: &mut Vec<u8>, bin: &str) {
    const SEPARATOR: &str = "__subcmd__";
    let wrong = format!("{}{SEPARATOR}", bin.replace('-', SEPARATOR));
    let right = format!("{}{SEPARATOR}", bin.replace('-', "__"));
    if wrong == right {
        return;
    }
    let text = String::from_utf8_lossy(script).replace(&wrong, &right);
    *script = text.into_bytes();
}

/// Parses a rule id as a plain string, so `explain` can answer an unknown
/// one with its own "did you mean", while telling completion scripts every
/// rule id.
#[derive(Clone)]
pub(crate) struct RuleIdParser;

impl TypedValueParser for RuleIdParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Rule::ALL.iter().map(|rule| PossibleValue::new(rule.id())),
        ))
    }
}
