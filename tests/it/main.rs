//! The one integration test binary. Tests talk to a real Connect cluster whose URL is in
//! `KCSH_TEST_URL`; each test module names its connectors after itself.

mod shell_common;
mod shell_pty;
mod shell_script;
