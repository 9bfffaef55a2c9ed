import Foundation

/// What a token is.
@_spi(Stages) public enum TokenKind: Equatable, Sendable {
  case identifier(String)
  /// A backquoted name: never a keyword.
  case quotedIdentifier(String)
  case integer(Int64)
  case number(Double)
  case percent(Double)
  case duration(DurationLiteral)
  case string(String)
  /// A time literal's text, after the `@`.
  case time(String)
  case punct(String)
  case newline
  case eof
}

/// A token and where it stands.
@_spi(Stages) public struct Token: Sendable {
  /// What the token is.
  public var kind: TokenKind
  /// The bytes it was read from.
  public var range: SourceRange
  /// True when white space or a line break comes right before the token.
  public var spaceBefore: Bool
}

/// The tokens of a source, with its `##` comment lines (for metric descriptions).
@_spi(Stages) public struct LexedSource: Sendable {
  /// The tokens in order, ending with `.eof`.
  public var tokens: [Token]
  /// Line number to `##` comment text, for comment lines that hold nothing else.
  public var docLines: [Int: String]
  /// Lexing errors, such as an unterminated string.
  public var diagnostics: [Diagnostic]
}
