/** Prompt templates: reference extraction, checking and rendering (pure). */
export { paramPointer, ToolCatalog } from "./catalog.js";
export { type CheckTemplatesInput, checkTemplates, type TemplateSource } from "./check.js";
export { splitFrontMatter } from "./front-matter.js";
export { extractReferences } from "./references.js";
export {
  type ArgDoc,
  formatPromptDoc,
  formatResourceDoc,
  formatToolDoc,
  type ParamDoc,
  type PromptDoc,
  promptsView,
  type RenderOptions,
  type ResourceDoc,
  renderTemplate,
  resourcesView,
  type ToolDoc,
  toolsView,
} from "./render.js";
export { TEMPLATE_RULES, type TemplateRuleId } from "./rules.js";
export type * from "./types.js";
