// Small DOM helpers shared by the demo's modules. Text is only ever set as text (never HTML).
export const $ = (id) => document.getElementById(id);

/** An element with properties (className, textContent, …), attributes under `attrs`, and children. */
export function el(tag, { attrs, dataset, ...props } = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  Object.assign(node.dataset, dataset ?? {});
  node.append(...children.filter((c) => c != null));
  return node;
}

/** The `hidden` input behind a visible button: Enter/Space/click on the button opens the picker. */
export function pickerButton(buttonId, inputId) {
  $(buttonId).addEventListener('click', () => $(inputId).click());
}
