// The Lua script that rewrites request and/or response bodies (Envoy's header_mutation filter changes headers only).
export interface BodyChange {
  set?: string;
  replace?: Array<{ match: string; with: string }>;
}

/** A Lua string literal for any bytes (quotes, backslashes and control characters escaped). */
export function luaString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (c < 32 || c === 127) out += `\\${String(c).padStart(3, '0')}`;
    else out += ch;
  }
  return out + '"';
}

const HELPERS = `local function replace_all(s, from, to)
  local out, i = {}, 1
  while true do
    local a, b = string.find(s, from, i, true)
    if not a then break end
    out[#out + 1] = string.sub(s, i, a - 1)
    out[#out + 1] = to
    i = b + 1
  end
  out[#out + 1] = string.sub(s, i)
  return table.concat(out)
end
local function transform(h, set, replacements)
  local body = h:body(true)
  local s = set
  if s == nil then
    s = body:getBytes(0, body:length())
    for _, r in ipairs(replacements) do s = replace_all(s, r[1], r[2]) end
  end
  body:setBytes(s)
  h:headers():replace("content-length", tostring(#s))
end
`;

function call(change: BodyChange): string {
  const replacements = (change.replace ?? []).map((r) => `{ ${luaString(r.match)}, ${luaString(r.with)} }`).join(', ');
  return `transform(h, ${change.set !== undefined ? luaString(change.set) : 'nil'}, { ${replacements} })`;
}

/** The script for the body changes of a policy (undefined when it changes no body). */
export function bodyScript(request: BodyChange | undefined, response: BodyChange | undefined): string | undefined {
  if (!request && !response) return undefined;
  let script = HELPERS;
  if (request) script += `function envoy_on_request(h)\n  ${call(request)}\nend\n`;
  if (response) script += `function envoy_on_response(h)\n  ${call(response)}\nend\n`;
  return script;
}
