import Foundation
import Tally

/// `:help` and its topics.
enum Help {
  static let topics: [(name: String, text: String)] = [
    (
      "statements",
      """
      Statements (a line each; open brackets or a trailing operator continue on the next line):
        dataset NAME from "PATH" [time COL]        load a data file
        link A.COL -> B.KEY [as NAME]               each row of A refers to the row of B with that key
        let NAME = DATASET [where PRED] [time COL]  a view: a dataset with a filter or another time column
        let NAME = FORMULA                          a named value
        metric NAME = FORMULA                       a KPI; clauses on indented lines below it:
            format percent|number|integer|duration
            target <= 1.5%
            warn   <= 3%
        assert FORMULA                              a boolean formula that must hold
        FORMULA                                     evaluate and print
      Defining a name again replaces it. '## text' lines right above a metric describe it.
      """
    ),
    (
      "formulas",
      """
      Formulas combine aggregates over datasets with + - * /, comparisons, and, or, not:
        count(refunds where intervened) / count(paid) over 28d
      Inside an aggregate, 'orders.amount' or a bare 'amount' names a column of the dataset it reads.
      Literals: 12  3.5  1_000  1.5%  "text"  true  false  null  30s 15m 2h 28d 4w 3mo 1y  @2024-06-30
      Names that are not identifiers go in backquotes: `order id`.
      / is real division; division by zero gives null; arithmetic with null gives null.
      See also :help aggregates, :help functions, :help time, :help grouping.
      """
    ),
    (
      "aggregates",
      """
      Aggregates: AGG(ARG [where PRED] [, PARAM])
        count(DATASET)  count(E)  count_distinct(E)  sum(E)  avg(E)  min(E)  max(E)  median(E)
        percentile(E, Q)   Q in 0..1, e.g. 90%
        first(E)  last(E)  the value at the earliest (latest) time; ties: least (greatest) value
      They skip nulls; over no values count, count_distinct and sum give 0, the others null.
      Through links: count(refunds where orders.category = "鞋") reads each refund's order;
      count(paid where count(refunds) > 0) counts the paid orders that have a refund.
      Over groups: avg(dispute_rate by shop), count(count(paid) by buyer_id where value >= 2).
      """
    ),
    (
      "functions",
      """
      Functions:
        seconds minutes hours days (duration -> number)   abs round(x[, digits]) floor ceil
        least greatest coalesce if(cond, a, b)   lower upper length contains starts_with ends_with
        date(t) hour(t) weekday(t) (1 = Monday)
      """
    ),
    (
      "time",
      """
      Time:
        FORMULA over 28d | day | week | month | quarter | year   a window ending at the as-of
        FORMULA offset 7d                                       move the as-of back
        FORMULA at @2024-06-30                                  through the end of that day
        FORMULA every day for 28d                               a series: one value per day back
      The as-of is the exclusive end of time (:asof shows or sets it). Times are read in the
      session time zone (:tz).
      """
    ),
    (
      "grouping",
      """
      Grouping: FORMULA by COL[, COL...] or by hour|day|week|month
        count(orders) by shop
        count(orders) by day        (also drawn as a chart below the table)
        count(refunds) by orders.category   each aggregate grouped through its own link
      Rows come sorted by key, null last.
      """
    ),
    (
      "keys",
      """
      Keys: Tab completes names, columns and links (after 'orders.', 'orders.shops.' or inside
      'count(orders where ...'),
      functions, keywords and paths after :load. Up and Down walk the history (kept in
      ~/.tally_history or $TALLY_HISTORY), Ctrl-R searches it. Ctrl-C drops the line being typed
      or stops a load or a formula that is running, Ctrl-D leaves.
      """
    ),
  ]

  static var topicNames: [String] { MetaCommand.all.map(\.name) + topics.map(\.name) }

  /// The command list.
  static var overview: String {
    let width = MetaCommand.all.map(\.usage.count).max() ?? 0
    var s = "Type a statement or a formula, or a command:\n"
    for c in MetaCommand.all { s += "  " + c.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + c.summary + "\n" }
    s += "Topics (:help TOPIC): " + topics.map(\.name).joined(separator: ", ") + "\n"
    return s
  }
}

extension ReplSession {
  /// `:help [TOPIC]`.
  func help(_ topic: String?) -> ReplOutput {
    var out = ReplOutput()
    guard var t = topic?.lowercased() else {
      out.print(Help.overview)
      return out
    }
    if t.hasPrefix(":") { t.removeFirst() }
    if let c = MetaCommand.named(t) {
      out.print("\(c.usage)\n  \(c.summary)")
    } else if let h = Help.topics.first(where: { $0.name == t || $0.name.hasPrefix(t) && t.count >= 3 }) {
      out.print(h.text)
    } else {
      var s = "no help on '\(topic!)'"
      if let near = nearest(t, in: Help.topicNames) { s += "; did you mean '\(near)'?" }
      out.error(s + "\ntopics: " + Help.topicNames.joined(separator: ", "))
    }
    return out
  }
}
