//! Conversions between the server's byte offsets and spans and the protocol's positions
//! (lines and UTF-16 columns), and between paths and `file://` URIs.

use std::fmt::Write as _;

use lsp_types::{Position, Range, Uri};

/// Where the lines of a text start, for offset ↔ position conversions.
#[derive(Clone, Debug)]
pub struct Lines {
    starts: Vec<u32>,
}

impl Lines {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Self { starts }
    }

    /// The protocol position (UTF-16 column) of a byte offset.
    #[must_use]
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts[line] as usize;
        let column = text.get(start..offset as usize).map_or(0, |s| s.encode_utf16().count());
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of a protocol position, clamped to the line and the text.
    #[must_use]
    pub fn offset(&self, text: &str, position: Position) -> u32 {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return u32::try_from(text.len()).unwrap_or(u32::MAX);
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&e| e as usize);
        let line = text.get(start as usize..end).unwrap_or("");
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= position.character || c == '\n' {
                return start + u32::try_from(i).unwrap_or(u32::MAX);
            }
            units += u32::try_from(c.len_utf16()).unwrap_or(1);
        }
        start + u32::try_from(line.len()).unwrap_or(u32::MAX)
    }

    #[must_use]
    pub fn range(&self, text: &str, start: u32, end: u32) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// The path of a `file://` URI, percent-decoded; `None` for other schemes.
#[must_use]
pub fn uri_to_path(uri: &Uri) -> Option<String> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path` names another machine; only the local `file:///path` is a path.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The `file://` URI of an absolute path, percent-encoding what a URI path cannot hold.
#[must_use]
pub fn path_to_uri(path: &str) -> Option<Uri> {
    let mut encoded = String::from("file://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            encoded.push(char::from(b));
        } else {
            let _ = write!(encoded, "%{b:02X}");
        }
    }
    encoded.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\n😀x\n";
        let lines = Lines::new(text);
        assert_eq!(lines.position(text, 8), Position::new(1, 3));
        assert_eq!(lines.offset(text, Position::new(1, 2)), 7);
        assert_eq!(lines.offset(text, Position::new(9, 0)), 9);
        assert_eq!(lines.offset(text, Position::new(0, 99)), 2);
    }

    #[test]
    fn uris_round_trip_paths_with_spaces() {
        let uri = path_to_uri("/tmp/a b/ü.mflow").expect("a uri");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.mflow");
        assert_eq!(uri_to_path(&uri).as_deref(), Some("/tmp/a b/ü.mflow"));
    }
}
