// A CodeMirror 6 YAML editor with the API's field errors drawn inline under the lines they point at.
// (Built from @codemirror/view/state/language directly: the installed "codemirror" package is CodeMirror 5.)
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  WidgetType,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';

export interface InlineError {
  line: number;
  message: string;
}

class ErrorWidget extends WidgetType {
  constructor(private text: string) {
    super();
  }
  override eq(o: ErrorWidget): boolean {
    return o.text === this.text;
  }
  toDOM(): HTMLElement {
    const d = document.createElement('div');
    d.className = 'cm-field-error';
    d.setAttribute('role', 'note');
    d.textContent = `⚠ ${this.text}`;
    return d;
  }
}

export const setErrors = StateEffect.define<InlineError[]>();

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrors)) continue;
      const doc = tr.state.doc;
      const byLine = new Map<number, string[]>();
      for (const err of e.value) {
        const n = Math.min(Math.max(1, err.line), doc.lines);
        byLine.set(n, [...(byLine.get(n) ?? []), err.message]);
      }
      const ranges = [...byLine.entries()]
        .sort((a, b) => a[0] - b[0])
        .flatMap(([n, msgs]) => {
          const line = doc.line(n);
          return [
            Decoration.line({ class: 'cm-error-line' }).range(line.from),
            Decoration.widget({ widget: new ErrorWidget(msgs.join(' · ')), block: true, side: 1 }).range(line.to),
          ];
        });
      deco = Decoration.set(ranges, true);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// Tab indents inside the editor, but Escape then Tab leaves it (keyboard users must not be trapped)
function tabKeys(): Extension {
  let escaped = false;
  return [
    EditorView.domEventHandlers({
      keydown: (e) => {
        if (e.key === 'Escape') escaped = true;
        else if (e.key !== 'Tab') escaped = false;
        return false;
      },
    }),
    keymap.of([
      {
        key: 'Tab',
        run: (v) => {
          if (escaped) return false;
          v.dispatch(v.state.replaceSelection('  '));
          return true;
        },
      },
    ]),
  ];
}

export function createYamlEditor(parent: HTMLElement, doc: string, onChange: (text: string) => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle),
        yaml(),
        errorField,
        tabKeys(),
        EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({ 'aria-label': 'YAML', 'data-testid': 'yaml-editor' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
}

export function showErrors(view: EditorView, errors: InlineError[]): void {
  view.dispatch({ effects: setErrors.of(errors) });
}
