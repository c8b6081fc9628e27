import { describe, expect, it } from 'vitest';
import { luaString, operationScript, templateParts } from './lua.js';

describe('operation scripts', () => {
  it('quotes anything as a Lua literal that cannot end the string', () => {
    expect(luaString('/a"b\\c\n]]é')).toBe('"/a\\034b\\092c\\010]]\\195\\169"');
  });

  it('splits path templates and refuses odd parameter names', () => {
    expect(templateParts('/pets/{petId}/photos/{n}')).toEqual([{ text: '/pets/' }, { param: 'petId' }, { text: '/photos/' }, { param: 'n' }]);
    expect(() => templateParts('/a/{x"y}')).toThrow('path parameter "x"y" must be letters');
  });

  it('sets the method and fills the path from query or header', () => {
    const s = operationScript('GET', '/pets/{petId}');
    expect(s).toContain('local path = "/pets/" .. param("petId")');
    expect(s).toContain('headers:replace(":method", "GET")');
  });
});
