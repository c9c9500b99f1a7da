import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Tooltip } from 'antd';
import { BoldOutlined, ItalicOutlined, OrderedListOutlined, UnderlineOutlined, UnorderedListOutlined } from '@ant-design/icons';

// The minutes' record: a small rich-text editor on contentEditable with the
// few formats the server keeps (p, br, b/strong, i/em, u, ol, ul, li, h3, h4,
// blockquote; everything else is removed when saved). An antd form control:
// value is the HTML, onChange gets the HTML as typed.

type Command = 'bold' | 'italic' | 'underline' | 'insertOrderedList' | 'insertUnorderedList' | 'heading';

const TOOLS: { cmd: Command; label: string; icon: ReactNode }[] = [
  { cmd: 'bold', label: '加粗', icon: <BoldOutlined /> },
  { cmd: 'italic', label: '斜体', icon: <ItalicOutlined /> },
  { cmd: 'underline', label: '下划线', icon: <UnderlineOutlined /> },
  { cmd: 'insertOrderedList', label: '有序列表', icon: <OrderedListOutlined /> },
  { cmd: 'insertUnorderedList', label: '无序列表', icon: <UnorderedListOutlined /> },
  { cmd: 'heading', label: '小标题', icon: <span style={{ fontWeight: 600 }}>H</span> },
];

/** Whether the selection sits inside a 小标题 (h4). */
function inHeading(): boolean {
  return String(document.queryCommandValue('formatBlock')).toLowerCase() === 'h4';
}

const isEmpty = (html: string) => html.replace(/<br\s*\/?>|<\/?p>|&nbsp;|\s/gi, '') === '';

export function RichTextEditor({ value, onChange, id, placeholder, ...aria }: { value?: string; onChange?: (html: string) => void; id?: string; placeholder?: string; 'aria-label'?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Partial<Record<Command, boolean>>>({});

  // the outside value is written into the editor only when it differs from what
  // the editor holds (writing on every keystroke would move the caret to the start)
  useEffect(() => {
    const el = ref.current;
    if (el && (value ?? '') !== el.innerHTML) el.innerHTML = value ?? '';
  }, [value]);

  const refreshState = () => {
    const el = ref.current;
    if (!el || !el.contains(document.getSelection()?.anchorNode ?? null)) return;
    setActive({
      bold: document.queryCommandState('bold'),
      italic: document.queryCommandState('italic'),
      underline: document.queryCommandState('underline'),
      insertOrderedList: document.queryCommandState('insertOrderedList'),
      insertUnorderedList: document.queryCommandState('insertUnorderedList'),
      heading: inHeading(),
    });
  };

  useEffect(() => {
    document.addEventListener('selectionchange', refreshState);
    return () => document.removeEventListener('selectionchange', refreshState);
  }, []);

  const emit = () => {
    const el = ref.current;
    if (el) onChange?.(isEmpty(el.innerHTML) ? '' : el.innerHTML);
  };

  const run = (cmd: Command) => {
    const el = ref.current;
    if (!el) return;
    if (!el.contains(document.getSelection()?.anchorNode ?? null)) {
      // a click on the toolbar before the text: the caret goes to the end first
      el.focus();
      const r = document.createRange();
      r.selectNodeContents(el);
      r.collapse(false);
      document.getSelection()?.removeAllRanges();
      document.getSelection()?.addRange(r);
    }
    document.execCommand('styleWithCSS', false, 'false');
    if (cmd === 'heading') document.execCommand('formatBlock', false, inHeading() ? 'p' : 'h4');
    else document.execCommand(cmd);
    emit();
    refreshState();
  };

  return (
    <div className="rte">
      <div className="rte-toolbar" role="toolbar" aria-label="格式">
        {TOOLS.map((t) => (
          <Tooltip key={t.cmd} title={t.label}>
            <Button
              size="small"
              type={active[t.cmd] ? 'primary' : 'text'}
              icon={t.icon}
              aria-label={t.label}
              aria-pressed={!!active[t.cmd]}
              // keep the selection in the editor: act on mouse down, before the button takes focus
              onMouseDown={(e) => {
                e.preventDefault();
                run(t.cmd);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  run(t.cmd);
                }
              }}
            />
          </Tooltip>
        ))}
      </div>
      <div
        ref={ref}
        id={id}
        className="rte-body meeting-record"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-label={aria['aria-label']}
        data-placeholder={placeholder}
        onFocus={() => document.execCommand('defaultParagraphSeparator', false, 'p')}
        onInput={emit}
        onBlur={emit}
        onPaste={(e) => {
          // pasted text arrives as plain paragraphs (formats from a word processor would be stripped on save anyway)
          e.preventDefault();
          const text = e.clipboardData.getData('text/plain');
          const html = text
            .split(/\r?\n/)
            .map((line) => line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
            .map((line) => `<p>${line || '<br>'}</p>`)
            .join('');
          document.execCommand('insertHTML', false, html);
          emit();
        }}
      />
    </div>
  );
}
