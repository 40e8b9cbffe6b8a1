//! serde's messages reworded for users: "unknown key `x`; allowed: ...", "a number" instead of
//! "f64".

pub(crate) fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

/// Rewords serde's messages where they would puzzle a user.
pub(crate) fn humanise(message: &str) -> String {
    if let Some(field) = backticked_after(message, "unknown field ") {
        let allowed = message
            .split_once(", expected ")
            .map(|(_, a)| a)
            .unwrap_or("");
        return if allowed.is_empty() {
            format!("unknown key `{field}`: no keys are allowed here")
        } else {
            format!(
                "unknown key `{field}`; allowed: {}",
                allowed.replace("one of ", "")
            )
        };
    }
    if let Some(field) = backticked_after(message, "missing field ") {
        return format!("missing required key `{field}`");
    }
    if let Some(v) = backticked_after(message, "unknown variant ") {
        let allowed = message
            .split_once(", expected ")
            .map(|(_, a)| a)
            .unwrap_or("");
        return format!(
            "unknown kind `{v}`; allowed: {}",
            allowed.replace("one of ", "")
        );
    }
    plain_types(message)
}

/// Says "expected a number" where serde says "expected f64", and alike.
pub(crate) fn plain_types(message: &str) -> String {
    let Some((head, expected)) = message.split_once(", expected ") else {
        return message.to_string();
    };
    let plain = match expected {
        "f64" | "f32" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        e if e.starts_with("struct ") || e.starts_with("struct variant ") => {
            "a map of keys and values"
        }
        e if e.starts_with("internally tagged enum ") => "a map with a `kind:` key",
        e => e,
    };
    format!("{head}, expected {plain}")
}
