import Foundation
@_spi(Stages) import Tally

extension ReplSession {
  func formulaCompletions(_ text: String) -> Completion {
    let bytes = Array(text.utf8)
    // The word: identifier characters before the cursor.
    var wordStart = text.endIndex
    while wordStart > text.startIndex {
      let prev = text[text.index(before: wordStart)]
      guard prev.isLetter || prev.isNumber || prev == "_" else { break }
      wordStart = text.index(before: wordStart)
    }
    let word = String(text[wordStart...])
    let start = bytes.count - word.utf8.count
    let before = String(text[..<wordStart])

    // Inside a string: a file path after `from`, else a value of the column compared with.
    if let quote = openQuote(before) {
      let typed = String(text[text.index(after: quote)...])
      let quoteOffset = text[...quote].utf8.count
      let head = Lexer.lex(Source(name: "", text: String(text[..<quote]))).tokens.filter { $0.kind != .newline && $0.kind != .eof }
      if case .identifier("from")? = head.last?.kind {
        return Completion(start: quoteOffset, candidates: files(typed, extensions: nil).map { $0.hasSuffix("/") ? $0 : $0 + "\"" })
      }
      return Completion(start: quoteOffset, candidates: stringValues(head, typed, text: String(text[..<quote])).map { $0 + "\"" })
    }

    let tokens = Lexer.lex(Source(name: "", text: before)).tokens.filter { $0.kind != .newline && $0.kind != .eof }
    let lastKind = tokens.last?.kind
    // `dataset.` → its columns and links; `link.` and `link.link.` → the columns and links of
    // the dataset they reach, from the dataset the open aggregate reads.
    if lastKind == .punct("."), tokens.count >= 2, nameOf(tokens[tokens.count - 2].kind) != nil {
      var path: [String] = []
      var i = tokens.count - 2
      while i >= 0, let n = nameOf(tokens[i].kind) {
        path.insert(n, at: 0)
        guard i >= 2, tokens[i - 1].kind == .punct(".") else { break }
        i -= 2
      }
      if let target = reached(by: path, from: openAggregate(tokens)?.1), let cols = columns(of: target) {
        let links = session.links(from: target).map(\.name)
        return Completion(start: start, candidates: match(word, (cols + links).map(quoteIfNeeded)))
      }
    }
    let functions = Function.allCases.map { $0.rawValue + "(" }
    let aggregates = AggregateFunction.allCases.map { $0.rawValue + "(" }
    let relations = session.names([.dataset, .view])
    let values = session.names([.value, .metric])
    var candidates: [String]
    switch lastKind {
    case .identifier("over")?: candidates = ["day", "week", "month", "quarter", "year"]
    case .identifier("format")?: candidates = ["percent", "number", "integer", "duration"]
    case .identifier("by")?:
      candidates = ["hour", "day", "week", "month"] + mentionedRelations(tokens).flatMap { columns(of: $0) ?? [] }
    case .identifier("from")?: candidates = []
    case .identifier("time")?:
      candidates = mentionedRelations(tokens).flatMap { r in
        session.schema(of: r)?.columns.filter { $0.type == .time }.map(\.name) ?? []
      }
    case nil: candidates = Self.statementKeywords + relations + values + functions + aggregates
    default:
      if let (_, relation, first) = openAggregate(tokens) {
        if first {
          // `count(` → what an aggregate reads: a dataset or a view, else a column.
          candidates = relations + functions
          if match(word, candidates).isEmpty { candidates = session.allColumnNames }
        } else if let relation {
          // Its columns first: `count(orders where sta` → `status`; then its links.
          candidates = ((columns(of: relation) ?? []) + session.links(from: relation).map(\.name)).map(quoteIfNeeded)
          if match(word, candidates).isEmpty { candidates = functions + Self.rowKeywords }
        } else {
          candidates = relations + functions + Self.rowKeywords
        }
      } else if tokens.count >= 5, tokens[0].kind == .identifier("let"), tokens[2].kind == .punct("="),
        let base = nameOf(tokens[3].kind), let cols = columns(of: base), tokens[4].kind == .identifier("where")
      {
        // `let paid = orders where sta` → a row filter on the view's dataset.
        candidates = cols.map(quoteIfNeeded)
        if match(word, candidates).isEmpty { candidates = functions + Self.rowKeywords }
      } else if case .identifier(let w)? = lastKind, ["let", "metric", "dataset"].contains(w), tokens.count == 1 {
        candidates = []  // a new name
      } else {
        candidates = relations + values + functions + aggregates + Self.metricKeywords
      }
    }
    return Completion(start: start, candidates: match(word, candidates.map(quoteIfNeeded)))
  }

  /// The innermost aggregate call the cursor is in: its name, the dataset or view it reads
  /// (if known yet), and whether the cursor is at its first argument.
  func openAggregate(_ tokens: [Token]) -> (String, String?, Bool)? {
    var stack: [(name: String?, start: Int)] = []
    for (i, t) in tokens.enumerated() {
      switch t.kind {
      case .punct("("), .punct("["):
        var name: String?
        if i > 0, case .identifier(let f) = tokens[i - 1].kind { name = f }
        stack.append((name, i))
      case .punct(")"), .punct("]"):
        if !stack.isEmpty { stack.removeLast() }
      default: break
      }
    }
    for frame in stack.reversed() {
      guard let f = frame.name, AggregateFunction(rawValue: f) != nil else { continue }
      let inside = tokens[(frame.start + 1)...]
      if inside.isEmpty { return (f, nil, true) }
      // The first name in the call that is a dataset or view (`count(orders`, `sum(orders.amount`).
      var depth = 0
      for t in inside {
        if t.kind == .punct("(") { depth += 1 }
        if t.kind == .punct(")") { depth -= 1 }
        if depth == 0, let n = nameOf(t.kind), columns(of: n) != nil { return (f, n, false) }
      }
      // A bare column of the only dataset that has it.
      for t in inside {
        if let n = nameOf(t.kind) {
          let owners = session.datasets(withColumn: n)
          if owners.count == 1 { return (f, owners[0], false) }
        }
      }
      return (f, nil, false)
    }
    return nil
  }

  /// Datasets and views named in the tokens, for `by` and `time`.
  func mentionedRelations(_ tokens: [Token]) -> [String] {
    var seen: [String] = []
    for t in tokens {
      if let n = nameOf(t.kind), columns(of: n) != nil, !seen.contains(n) { seen.append(n) }
    }
    return seen
  }

  /// Distinct values of the string column a string literal is compared with
  /// (`status = "pa`, `status in ("paid", "sh`).
  func stringValues(_ head: [Token], _ typed: String, text: String) -> [String] {
    var i = head.count - 1
    if i >= 0, head[i].kind == .punct("(") || head[i].kind == .punct(",") {
      // Back to the `in (`.
      var depth = 0
      while i >= 0 {
        if head[i].kind == .punct(")") { depth += 1 }
        if head[i].kind == .punct("(") {
          if depth == 0 { break }
          depth -= 1
        }
        i -= 1
      }
      i -= 1
      guard i >= 0, head[i].kind == .identifier("in") else { return [] }
      i -= 1
    } else if i >= 0, head[i].kind == .punct("=") || head[i].kind == .punct("!=") {
      i -= 1
    } else {
      return []
    }
    guard i >= 0, let column = nameOf(head[i].kind) else { return [] }
    var relation: String?
    if i >= 2, head[i - 1].kind == .punct("."), let owner = nameOf(head[i - 2].kind) {
      relation = owner
    } else {
      relation = openAggregate(Array(head[...i]))?.1
    }
    let candidates = relation.map { [$0] } ?? session.names([.dataset])
    for r in candidates {
      guard let base = session.schema(of: r)?.dataset, let col = session.datasets[base]?.column(column),
        case .string(_, let dictionary) = col.vector.data
      else { continue }
      return dictionary.filter { $0.hasPrefix(typed) && !$0.contains("\"") && !$0.contains("\\") }.sorted()
    }
    return []
  }

  /// The start of an unclosed string literal, if the text ends inside one.
  func openQuote(_ text: String) -> String.Index? {
    var open: String.Index?
    var i = text.startIndex
    var inComment = false
    while i < text.endIndex {
      let c = text[i]
      if inComment {
        if c == "\n" { inComment = false }
      } else if open != nil {
        if c == "\\" {
          i = text.index(after: i)
          if i == text.endIndex { break }
        } else if c == "\"" || c == "\n" {
          open = nil
        }
      } else if c == "\"" {
        open = i
      } else if c == "#" {
        inComment = true
      }
      i = text.index(after: i)
    }
    return open
  }

  func nameOf(_ k: TokenKind) -> String? {
    switch k {
    case .identifier(let n), .quotedIdentifier(let n): return n
    default: return nil
    }
  }

  /// The dataset a path of names reaches: a dataset or view and links from it, or links from
  /// the dataset `relation` (the open aggregate's).
  func reached(by path: [String], from relation: String?) -> String? {
    var at: String
    var rest = path[...]
    if let first = path.first, let base = session.schema(of: first)?.dataset,
      relation.flatMap({ session.schema(of: $0)?.dataset }).map({ r in !session.links(from: r).contains { $0.name == first } }) ?? true
    {
      at = base
      rest = rest.dropFirst()
    } else if let relation, let base = session.schema(of: relation)?.dataset {
      at = base
    } else {
      return nil
    }
    for n in rest {
      guard let l = session.links(from: at).first(where: { $0.name == n }) else { return nil }
      at = l.to
    }
    return at
  }

  /// The columns of a dataset or view, or nil when it is neither.
  func columns(of name: String) -> [String]? {
    session.schema(of: name)?.columns.map(\.name)
  }

  func quoteIfNeeded(_ name: String) -> String {
    guard let first = name.first else { return name }
    if name.hasSuffix("(") { return name }
    let plain = (first.isLetter || first == "_") && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    return plain ? name : "`\(name)`"
  }

  /// The candidates that start with the word (case-insensitively when none match exactly), sorted, unique.
  func match(_ word: String, _ candidates: [String]) -> [String] {
    var hits = Set(candidates.filter { $0.hasPrefix(word) })
    if hits.isEmpty { hits = Set(candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }) }
    return hits.sorted()
  }
}
