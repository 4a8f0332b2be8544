// Checks that a page looks right on a phone (390×844), measured in the page the
// same way in every engine: nothing sticks out sideways, no control is too
// narrow for its own text or sticks out of its card (the clipped currency
// <select> of issue 10), no text of the header or the stepper breaks over
// lines (the header that wrapped awkwardly), and tap targets are big enough.

import assert from 'node:assert/strict';

/** Runs in the page: a list of layout problems (empty when the page fits). */
function phoneLayoutProblems() {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
  if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${vw} px viewport`);
  const visible = (el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && rect.width > 0 && rect.height > 0;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!visible(el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.left < -1 || rect.right > vw + 1) problems.push(`${describe(el)} sticks out of the viewport (${Math.round(rect.left)}..${Math.round(rect.right)} of ${vw})`);
    // ... or out of the content box of the card it sits in (the clipped currency select of issue 10
    // ran into the card's padding in Chromium and past its edge in Firefox and WebKit).
    const card = el.parentElement?.closest('.card, form, section');
    if (card && getComputedStyle(el).position !== 'absolute') {
      const box = card.getBoundingClientRect();
      const cs = getComputedStyle(card);
      const left = box.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
      const right = box.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight);
      if (rect.left < left - 1 || rect.right > right + 1) problems.push(`${describe(el)} sticks out of the content box of ${describe(card)} (${Math.round(rect.left)}..${Math.round(rect.right)} in ${Math.round(left)}..${Math.round(right)})`);
    }
  }
  // A control narrower than its own text is clipped.
  const canvas = document.createElement('canvas').getContext('2d');
  const textWidth = (el, text) => {
    const style = getComputedStyle(el);
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return canvas.measureText(text).width;
  };
  for (const el of document.querySelectorAll('select, button, input:not([type=checkbox]):not([type=radio]):not([type=file]):not([type=hidden])')) {
    if (!visible(el)) continue;
    const style = getComputedStyle(el);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    const width = el.getBoundingClientRect().width;
    let text;
    let extra = 0;
    if (el.tagName === 'SELECT') {
      text = el.selectedOptions[0]?.textContent ?? '';
      extra = 18; // the drop-down arrow
    } else if (el.tagName === 'BUTTON') {
      text = el.textContent.trim();
    } else {
      text = el.value;
    }
    const needed = textWidth(el, text) + padding + extra;
    if (text && needed > width + 1) problems.push(`${describe(el)} is too narrow for "${text}": ${Math.round(width)} px, needs ${Math.round(needed)}`);
    if (el.getBoundingClientRect().height < 32) problems.push(`${describe(el)} is a small tap target: ${Math.round(el.getBoundingClientRect().height)} px high`);
  }
  // Each text piece of a header or a stepper stays on one line (a brand name or a step broken mid-phrase looks broken).
  for (const el of document.querySelectorAll('header *, [aria-label="Progress"] li')) {
    {
      if (!visible(el) || el.children.length) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) problems.push(`"${el.textContent.trim()}" (${describe(el)}) wraps over ${lines.size} lines`);
    }
  }
  return problems;
}

export async function phoneLayout(page) {
  return page.evaluate(phoneLayoutProblems);
}

export async function assertFitsPhone(page, where) {
  const problems = await phoneLayout(page);
  assert.deepEqual(problems, [], `${where} does not fit a ${page.viewport.width} px phone in ${page.engine}:\n  ${problems.join('\n  ')}`);
}

/**
 * The document inputs offer the camera on a phone: the ID has a camera input
 * (rear camera) next to a plain file chooser (a PDF scan must stay possible);
 * the selfie input opens the front camera. Both take only what the skill accepts.
 */
export async function assertCameraInputs(page, { idCamera, idFile, selfie }) {
  const inputs = await page.evaluate(
    (sel) =>
      Object.fromEntries(
        Object.entries(sel).map(([k, s]) => {
          const el = document.querySelector(s);
          return [k, el && { capture: el.getAttribute('capture'), accept: el.getAttribute('accept'), type: el.type }];
        }),
      ),
    { idCamera, idFile, selfie },
  );
  assert.deepEqual(inputs.idCamera, { capture: 'environment', accept: 'image/jpeg,image/png', type: 'file' }, 'the ID camera input');
  assert.deepEqual(inputs.idFile, { capture: null, accept: 'image/jpeg,image/png,application/pdf', type: 'file' }, 'the ID file chooser');
  assert.deepEqual(inputs.selfie, { capture: 'user', accept: 'image/jpeg,image/png', type: 'file' }, 'the selfie input');
}
