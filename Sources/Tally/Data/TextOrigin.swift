import Foundation

/// Why a column is text: the first value in it that no narrower type reads, and its line in
/// the file (`m.csv:4: 'abc'`), so that a type error can say so.
public struct TextOrigin: Sendable, Hashable {
  /// The value (its first 80 bytes).
  public var value: String
  /// The 1-based line of the file it is on.
  public var line: Int
  /// How many values before it a narrower type read (0: the column is text from its first value).
  public var after = 0
}
