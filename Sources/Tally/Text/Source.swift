import Foundation

/// A piece of Tally text with the name it is reported under (a file path, or `<expr>`).
public struct Source: Sendable {
  /// The name shown in diagnostics.
  public let name: String
  /// The text, as UTF-8 bytes: offsets in the tree index this buffer.
  public let text: String
  let bytes: [UInt8]
  private let lineStarts: [Int]
  /// Shared by the copies of one source, and by no other.
  private let identity = Identity()
  private final class Identity: Sendable {}

  /// What tells this source from any other, whatever their names and texts.
  var id: ObjectIdentifier { ObjectIdentifier(identity) }

  /// Creates a source from its name and text.
  public init(name: String, text: String) {
    self.name = name
    self.text = text
    self.bytes = Array(text.utf8)
    var starts = [0]
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
    self.lineStarts = starts
  }

  /// The 1-based line and character column of a byte offset.
  public func location(of offset: Int) -> (line: Int, column: Int) {
    let off = max(0, min(offset, bytes.count))
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
    }
    let start = lineStarts[lo]
    let prefix = String(decoding: bytes[start..<off], as: UTF8.self)
    return (lo + 1, prefix.count + 1)
  }

  /// The text of a 1-based line, without its line break.
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  /// The text of a byte range.
  public func slice(_ range: Range<Int>) -> String {
    let lo = max(0, min(range.lowerBound, bytes.count))
    let hi = max(lo, min(range.upperBound, bytes.count))
    return String(decoding: bytes[lo..<hi], as: UTF8.self)
  }
}

/// A byte range in a source.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  /// The byte offset of the first byte.
  public var start: Int
  /// The byte offset just past the last byte (never before `start`).
  public var end: Int
  /// A range from `start` to `end`; an `end` before `start` makes it empty.
  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }
  /// The smallest range covering both.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(min(start, other.start), max(end, other.end))
  }
  /// `start..<end`, for dumps and tests.
  public var description: String { "\(start)..<\(end)" }
}
