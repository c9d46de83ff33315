//! Fuzz target: the suppression-comment scanner on its own, for both
//! commented hosts; it must never panic, and what it finds is then applied
//! by the engine to the same bytes.
#![no_main]

use policy_check::host::terraform::string_spans;
use policy_check::suppress::Comments;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for name in ["main.tf", "template.yaml"] {
        let _ = Comments::marked(name, data).and_then(|marked| marked.read(string_spans));
    }
});
