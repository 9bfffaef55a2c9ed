import Foundation

extension Render {
  /// Columns padded to their widest cell, by terminal width (CJK counts two). Cells are shown
  /// safely (`visible(_:)`) and, with `maxCellWidth`, cut to it with an ellipsis.
  public static func alignedTable(header: [String], rows: [[String]], rightAlign: Set<Int> = [], maxCellWidth: Int? = nil) -> String {
    alignedLines(header: header, rows: rows, rightAlign: rightAlign, maxCellWidth: maxCellWidth).map { $0 + "\n" }.joined()
  }

  /// The lines of `alignedTable`: the header, its rule, then one line per row. The work is
  /// linear in the cells' size.
  public static func alignedLines(header: [String], rows: [[String]], rightAlign: Set<Int> = [], maxCellWidth: Int? = nil) -> [String] {
    func cell(_ s: String) -> (text: String, width: Int) {
      var text = visible(s)
      if let maxCellWidth { text = truncated(text, toWidth: max(2, maxCellWidth)) }
      return (text, terminalWidth(of: text))
    }
    let head = header.map(cell)
    let body = rows.map { $0.map(cell) }
    var widths = head.map(\.width)
    for r in body { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.width) } }
    func line(_ cells: [(text: String, width: Int)]) -> String {
      var out = ""
      for (i, c) in cells.enumerated() {
        if i > 0 { out += "  " }
        let pad = String(repeating: " ", count: max(0, (i < widths.count ? widths[i] : c.width) - c.width))
        out += rightAlign.contains(i) ? pad + c.text : (i == cells.count - 1 ? c.text : c.text + pad)
      }
      while out.last == " " { out.removeLast() }
      return out
    }
    return [line(head), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + body.map(line)
  }

  /// Terminal columns a string takes: a CJK character counts two, a combining mark none.
  public static func displayWidth(_ s: String) -> Int { terminalWidth(of: s) }

  /// Text that is safe to send to a terminal: control characters, bidirectional controls and
  /// other invisible format characters are written as escapes (`\n`, `\t`, `\u{1B}`,
  /// `\u{202E}`), so a value cannot break a table's lines or restyle the screen.
  public static func visible(_ s: String) -> String { visibleText(s) }
}
