import Foundation

extension Render {
  /// Columns padded to their widest cell (by terminal width: CJK counts two).
  public static func alignedTable(header: [String], rows: [[String]], rightAlign: Set<Int> = []) -> String {
    var widths = header.map(displayWidth)
    for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in
        let pad = String(repeating: " ", count: max(0, widths[i] - displayWidth(c)))
        return rightAlign.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad)
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    var out = line(header) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for r in rows { out += line(r) + "\n" }
    return out
  }

  /// Terminal columns a string takes: a CJK character counts two, a combining mark none.
  public static func displayWidth(_ s: String) -> Int { terminalWidth(of: s) }

}
