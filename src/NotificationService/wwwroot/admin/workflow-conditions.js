// The canvas's condition builder: the common comparisons of trigger data (`data.…`) and profile fields (`recipient.…`),
// the names the engine gives them in JMESPath, as (field, operator, value) and back. A condition the builder would not
// write back byte for byte is not shown in it: it stays raw JMESPath, unchanged. See docs/decisions/workflow-canvas.md.
"use strict";

window.workflowConditions = (() => {
  const operators = ["==", "!=", "<", ">", "exists"];
  const path = String.raw`(?:data|recipient)(?:\.[A-Za-z_][A-Za-z0-9_]*)+`;
  const literal = String.raw`'(?:[^'\\]|\\.)*'|\x60(?:-?\d+(?:\.\d+)?|true|false)\x60`;
  const comparison = new RegExp(String.raw`^(${path}) (==|!=|<|>) (${literal})$`);
  const exists = new RegExp(String.raw`^(${path}) != \x60null\x60$`);

  // A number or true/false is compared as JSON (`5`), anything else as a raw string ('high').
  const quote = value => /^(-?\d+(\.\d+)?|true|false)$/.test(value) ? `\`${value}\`` : `'${value.replace(/[\\']/g, c => `\\${c}`)}'`;
  const unquote = text => text.startsWith("'") ? text.slice(1, -1).replace(/\\(.)/g, "$1") : text.slice(1, -1);

  /** The JMESPath for a comparison; null while the field path is not one the builder writes. */
  function build({ field, operator, value }) {
    if (!new RegExp(`^${path}$`).test(field ?? "") || !operators.includes(operator)) return null;
    return operator === "exists" ? `${field} != \`null\`` : `${field} ${operator} ${quote(value ?? "")}`;
  }

  /** The comparison a condition states, or null when the builder cannot show it exactly (it stays raw). */
  function parse(text) {
    let m = exists.exec(text ?? "");
    const parts = m ? { field: m[1], operator: "exists", value: "" }
      : (m = comparison.exec(text ?? "")) ? { field: m[1], operator: m[2], value: unquote(m[3]) } : null;
    return parts && build(parts) === text ? parts : null;
  }

  return { operators, build, parse };
})();
