//! `LIKE 'pattern'`: `%` matches any run of characters, `_` exactly one, anything else itself
//! (case-sensitive, no escape character, as in ksqlDB). Bounded on any input: no recursion and
//! at most O(|pattern|·|text|) steps (greedy two-pointer match that backtracks only to the last
//! `%`); runs of `%` count once.

/// True if `text` matches `pattern` as a whole.
pub fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // After the last `%` seen: the pattern position after it, and the text position it has
    // swallowed up to. A mismatch retries from there with the `%` taking one more character.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('%') => {
                while p.get(pi) == Some(&'%') {
                    pi += 1;
                }
                star = Some((pi, ti));
            }
            Some(&c) if c == '_' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '%')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    /// The definition, by dynamic programming: `m[i][j]` = `p[i..]` matches `t[j..]`.
    fn reference(pattern: &str, text: &str) -> bool {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        let mut m = vec![vec![false; t.len() + 1]; p.len() + 1];
        m[p.len()][t.len()] = true;
        for i in (0..p.len()).rev() {
            for j in (0..=t.len()).rev() {
                m[i][j] = match p[i] {
                    '%' => m[i + 1][j] || (j < t.len() && m[i][j + 1]),
                    '_' => j < t.len() && m[i + 1][j + 1],
                    c => j < t.len() && t[j] == c && m[i + 1][j + 1],
                };
            }
        }
        m[0][0]
    }

    #[test]
    fn wildcards() {
        assert!(like("fs%", "fs-src"));
        assert!(like("%src", "fs-src"));
        assert!(like("f_-src", "fs-src"));
        assert!(!like("fs", "fs-src"));
        assert!(like("%", ""));
        assert!(!like("_", ""));
        assert!(like("", ""));
        assert!(!like("", "a"));
        assert!(like("%a%b%", "xxaxxbxx"));
        assert!(!like("%a%b%", "xxbxxaxx"));
        assert!(like("a%a", "aa"));
        assert!(!like("a%a", "a"));
        assert!(!like("FS%", "fs-src"), "case-sensitive");
        assert!(like("é_", "éß"));
    }

    /// Issue 9 §5: `'%a'` x 12 against a 40-character name took over 60 s (exponential
    /// backtracking), and 200,000 `%` overflowed the stack (recursion).
    #[test]
    fn hostile_patterns_are_fast_and_need_no_stack() {
        let start = Instant::now();
        let name = "b".repeat(40);
        assert!(!like(&"%a".repeat(12), &name));
        assert!(like(&"%".repeat(200_000), &name));
        assert!(!like(&format!("{}c", "%".repeat(200_000)), &name));
        let (p, t) = ("%b_".repeat(500), "b".repeat(1_500));
        assert_eq!(like(&p, &t), reference(&p, &t));
        let text = "a".repeat(5_000);
        assert!(!like(&format!("%{}b", "a".repeat(50)), &text));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    proptest! {
        #[test]
        fn agrees_with_the_definition(
            pattern in "[ab%_]{0,10}",
            text in "[abc]{0,12}",
        ) {
            prop_assert_eq!(like(&pattern, &text), reference(&pattern, &text));
        }

        #[test]
        fn agrees_with_the_definition_on_any_text(pattern in "\\PC{0,8}", text in "\\PC{0,8}") {
            prop_assert_eq!(like(&pattern, &text), reference(&pattern, &text));
        }
    }
}
