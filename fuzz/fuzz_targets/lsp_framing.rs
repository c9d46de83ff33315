//! Fuzz target: the language server's reader on arbitrary input. It must
//! never panic, and every frame it returns consumes input, so it always
//! reaches the end.
#![no_main]

use std::io::Cursor;

use policy_check::lsp::transport::read_frame;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    let mut resume = None;
    let mut frames = 0usize;
    while let Ok(Some(_)) = read_frame(&mut input, &mut resume) {
        frames += 1;
        // Every frame consumes input: no loop without progress.
        assert!(frames <= data.len() + 1);
    }
});
