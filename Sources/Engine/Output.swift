/// What a command shows, as data: the REPL renders it for a terminal, tests read it
/// as text, and nothing here knows about terminals.
public struct Output: Sendable, Equatable {
    /// One piece of output, rendered in order.
    public enum Block: Sendable, Equatable {
        /// Plain text lines.
        case text(String)
        /// A title and labelled facts (`show`): each value wraps under itself, not under its label.
        case facts(title: String, facts: [Fact])
        /// A short confirmation of what changed.
        case success(String)
        /// A secondary remark (rendered dim on a terminal).
        case note(String)
        /// A warning about the data that did not stop the command.
        case warning(String)
        case table(TextTable)
        /// A chart, as data: the renderer draws it for a terminal, a report as SVG.
        case chart(Chart)
    }

    public var blocks: [Block] = []

    /// One labelled fact of a `facts` block.
    public struct Fact: Sendable, Equatable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public init(_ blocks: [Block] = []) {
        self.blocks = blocks
    }

    /// Output that is a single confirmation line.
    public static func success(_ text: String) -> Output { Output([.success(text)]) }
    /// Output that is plain text.
    public static func text(_ text: String) -> Output { Output([.text(text)]) }
}

/// A table of cells for display.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// Per column: right-align (numbers) or left-align.
    public var rightAligned: [Bool]
    /// Cells to highlight (e.g. missing values), as (row, column).
    public var dimCells: Set<Cell> = []

    /// A cell position (row, column) in the body of the table.
    public struct Cell: Hashable, Sendable {
        public var row: Int
        public var column: Int
    }

    public init(headers: [String], rows: [[String]], rightAligned: [Bool]? = nil) {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned ?? headers.map { _ in false }
    }
}

/// A chart as data: what to draw, not how. The terminal renderer draws it with Unicode
/// blocks (or ASCII); the HTML report to come draws the same values as SVG, without
/// computing them again.
public enum Chart: Sendable, Equatable {
    /// One bar per labelled value (`counts`).
    case bars(Bars)
    /// Counts of a number column's values in consecutive bins (`hist`).
    case histogram(Histogram)
    /// A matrix of values drawn as shaded cells (`corr`, `crosstab`).
    case heatmap(Heatmap)
    /// Box plots of one number column on one scale (`box`).
    case boxes(Boxes)
    /// Points of two number columns (`scatter`).
    case scatter(Scatter)
    /// A table with a small bar chart in one column's cells (`profile`).
    case sparkTable(SparkTable)

    public struct SparkTable: Sendable, Equatable {
        public var title: String
        /// The table; the cells of `sparkColumn` are drawn from `sparklines`.
        public var table: TextTable
        public var sparkColumn: Int
        /// Per row, the heights of its bars (any scale: each row is drawn to its own largest).
        public var sparklines: [[Double]]

        public init(title: String, table: TextTable, sparkColumn: Int, sparklines: [[Double]]) {
            (self.title, self.table, self.sparkColumn, self.sparklines) = (title, table, sparkColumn, sparklines)
        }
    }

    public struct Boxes: Sendable, Equatable {
        public var title: String
        /// The header of the labels (the `by` column), empty for a single box.
        public var labelHeader: String
        public var boxes: [Box]

        /// One box: Tukey's summary of a group's values.
        public struct Box: Sendable, Equatable {
            public var label: String
            public var count: Int
            public var q1: Double, median: Double, q3: Double
            /// Whisker ends: the furthest values within 1.5 IQR of the box.
            public var low: Double, high: Double
            /// Values beyond the whiskers (the most extreme 100 of each side at most).
            public var outliers: [Double]
            public var outlierCount: Int

            public init(label: String, count: Int, q1: Double, median: Double, q3: Double, low: Double, high: Double, outliers: [Double], outlierCount: Int) {
                (self.label, self.count, self.q1, self.median, self.q3, self.low, self.high) = (label, count, q1, median, q3, low, high)
                (self.outliers, self.outlierCount) = (outliers, outlierCount)
            }
        }

        public init(title: String, labelHeader: String, boxes: [Box]) {
            self.title = title
            self.labelHeader = labelHeader
            self.boxes = boxes
        }
    }

    public struct Scatter: Sendable, Equatable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var x: [Double]
        public var y: [Double]
        /// Per point, its index in `groupLabels`; empty without groups.
        public var groups: [Int]
        public var groupLabels: [String]
        /// Fixed axes (a ROC curve's 0 to 1); nil: the points' own range.
        public var xRange: ClosedRange<Double>?
        public var yRange: ClosedRange<Double>?

        public init(title: String, xLabel: String, yLabel: String, x: [Double], y: [Double], groups: [Int] = [], groupLabels: [String] = [],
                    xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
            (self.title, self.xLabel, self.yLabel, self.x, self.y) = (title, xLabel, yLabel, x, y)
            (self.groups, self.groupLabels, self.xRange, self.yRange) = (groups, groupLabels, xRange, yRange)
        }
    }

    public struct Bars: Sendable, Equatable {
        public var title: String
        /// The header of the label column and of the value column.
        public var labelHeader: String
        public var valueHeader: String
        public var annotationHeader: String
        public var labels: [String]
        public var values: [Double]
        /// Shown beside each value (a percentage, say); empty for none.
        public var annotations: [String]
        /// The value a full bar stands for (nil: the largest value).
        public var maximum: Double?
        /// Decimals shown of each value (nil: up to six significant digits).
        public var decimals: Int?

        public init(title: String, labelHeader: String, valueHeader: String, annotationHeader: String = "", labels: [String],
                    values: [Double], annotations: [String] = [], maximum: Double? = nil, decimals: Int? = nil) {
            self.maximum = maximum
            self.decimals = decimals
            self.title = title
            self.labelHeader = labelHeader
            self.valueHeader = valueHeader
            self.annotationHeader = annotationHeader
            self.labels = labels
            self.values = values
            self.annotations = annotations
        }
    }

    public struct Histogram: Sendable, Equatable {
        public var title: String
        /// `counts.count + 1` bin edges; a bin holds edges[k] ≤ x < edges[k + 1] (the last
        /// also its upper edge).
        public var edges: [Double]
        public var counts: [Int]
        /// Whether the edges are dates (seconds since 1970, shown as ISO 8601).
        public var dates: Bool

        public init(title: String, edges: [Double], counts: [Int], dates: Bool = false) {
            self.title = title
            self.edges = edges
            self.counts = counts
            self.dates = dates
        }
    }

    public struct Heatmap: Sendable, Equatable {
        public var title: String
        public var rowLabels: [String]
        public var columnLabels: [String]
        /// Row-major; NaN where there is no value.
        public var values: [[Double]]
        /// Whether values run from -1 to 1 (correlations: two colours), else from 0 up.
        public var diverging: Bool
        /// Decimals shown in each cell.
        public var decimals: Int

        public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]], diverging: Bool, decimals: Int) {
            self.title = title
            self.rowLabels = rowLabels
            self.columnLabels = columnLabels
            self.values = values
            self.diverging = diverging
            self.decimals = decimals
        }
    }
}
