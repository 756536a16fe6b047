import Schedules

/// A schedule's Keras JSON in a few words, for labels: the class name and its
/// hyper-parameters in the order Keras wrote them,
/// `InverseTimeDecay(initial_learning_rate=0.1, decay_steps=1.0, decay_rate=0.5)`.
/// Text that does not parse is returned as it is (the page shows it as text).
enum ScheduleSummary {
    static func text(_ json: String) -> String {
        guard case .object(let object)? = try? JSONValue(parsing: json),
            case .string(let className)? = object["class_name"]
        else { return json }
        guard case .object(let config)? = object["config"] else { return className }
        let arguments = config.entries.filter { $0.key != "name" }.map { "\($0.key)=\(render($0.value))" }
        return "\(className)(\(arguments.joined(separator: ", ")))"
    }

    private static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .number(let number): number.literal
        case .string(let text): text
        case .array(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        case .object: value.compactText
        }
    }
}
