import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { GwsecError, GwsecErrorList, type Location } from '../model/errors.js';

/** A parsed YAML file that can say where any value inside it came from (file:line:column). */
export interface LocatedYaml {
  file: string;
  value: unknown;
  locate(path: ReadonlyArray<PropertyKey>): Location;
}

export function parseYaml(file: string, text: string, code = 'policy_parse_error'): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const errs = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return new GwsecError(code, { en: `YAML syntax: ${e.message.split('\n')[0]}`, zh: `YAML 语法错误：${e.message.split('\n')[0]}` }, { file, line: pos.line, column: pos.col });
    });
    // Several syntax errors stay separate errors: each prints its own location and code once.
    throw errs.length === 1 ? errs[0]! : new GwsecErrorList(errs);
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  const locate = (path: ReadonlyArray<PropertyKey>): Location => {
    // Walk up the path until a node exists (a missing key is reported at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { file, line: pos.line, column: pos.col };
      }
    }
    return { file, line: 1, column: 1 };
  };
  return { file, value, locate };
}
