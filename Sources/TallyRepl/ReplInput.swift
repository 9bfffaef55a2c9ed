import Foundation
import Tally

/// A line as typed, with its number in the input and how many spaces were put before it
/// to make it a continuation line.
struct InputLine {
  var text: String
  var number: Int
  var shift = 0
}

/// The lines of one statement and the source text they make.
struct InputBuffer {
  var lines: [InputLine] = []
  var text = ""
  /// Set when the statement continues one already run at the prompt.
  var amending = false

  var isEmpty: Bool { lines.isEmpty }

  /// The input line the statement's text starts on. `##` lines gathered above a metric
  /// count back from the metric's line (they may stand further up, past a blank line).
  /// Lines after the first are consecutive but for comments typed among clauses at a prompt.
  var firstLine: Int {
    let k = lines.firstIndex { !$0.text.trimmingCharacters(in: .whitespaces).hasPrefix("##") } ?? 0
    return lines.indices.contains(k) ? max(1, lines[k].number - k) : 1
  }

  /// Adds a line. After a trailing operator outside brackets, the line is indented by one
  /// space so that the language reads it as a continuation line.
  mutating func append(_ line: InputLine) {
    var l = line
    if lines.isEmpty {
      text = l.text
    } else {
      if Session.openBrackets(text) == 0, let first = l.text.first, !first.isWhitespace {
        l.shift = 1
      }
      text += "\n" + String(repeating: " ", count: l.shift) + l.text
    }
    lines.append(l)
  }
}
