'use strict';
// Tags as chips. The form's own field (comma-separated, as taggit reads it) becomes hidden and
// stays the one value that is submitted; the chips and a small entry field edit it. Typing
// completes from the existing tags (arrow keys, Enter or a click pick, Escape closes); Enter or
// a comma adds what was typed; each chip's button removes it; Backspace in an empty entry
// removes the last. Without this script the field is plain comma-separated text.
(function () {
    const {debounce} = window.sitrepDesk;

    // The names in a taggit string: quoted names, else comma-separated, else space-separated.
    function parseTags(value) {
        const text = (value || '').trim();
        if (!text) {
            return [];
        }
        if (!text.includes(',') && !text.includes('"')) {
            return text.split(/\s+/);
        }
        const names = [];
        for (const match of text.matchAll(/"([^"]*)"|([^,"]+)/g)) {
            const name = (match[1] !== undefined ? match[1] : match[2]).trim();
            if (name && !names.some((known) => known.toLowerCase() === name.toLowerCase())) {
                names.push(name);
            }
        }
        return names;
    }

    function serialise(names) {
        return names.map((name) => '"' + name.replaceAll('"', '') + '"').join(', ');
    }

    function attach(field) {
        const listbox = document.getElementById(field.getAttribute('aria-controls'));
        const entry = document.createElement('input');
        entry.type = 'text';
        entry.id = field.id + '_entry';
        entry.className = 'tag-entry';
        entry.autocomplete = 'off';
        for (const name of ['role', 'aria-autocomplete', 'aria-expanded', 'aria-controls', 'aria-describedby']) {
            if (field.hasAttribute(name)) {
                entry.setAttribute(name, field.getAttribute(name));
            }
        }
        entry.placeholder = 'Add a tag';
        const chips = document.createElement('ul');
        chips.className = 'tag-chip-list';
        chips.setAttribute('aria-label', 'Tags on this report');
        field.type = 'hidden';
        field.before(chips);
        field.after(entry);
        const label = document.querySelector('label[for="' + field.id + '"]');
        if (label) {
            label.htmlFor = entry.id;
        }
        let active = -1;
        let requested = '';

        function names() {
            return parseTags(field.value);
        }

        function store(list) {
            field.value = serialise(list);
            field.dispatchEvent(new Event('input', {bubbles: true})); // suggestions and warnings follow
            render();
        }

        function render() {
            chips.replaceChildren(...names().map(function (name) {
                const item = document.createElement('li');
                item.className = 'tag-chip-item';
                const text = document.createElement('span');
                text.textContent = name;
                const remove = document.createElement('button');
                remove.type = 'button';
                remove.className = 'tag-chip-remove';
                remove.setAttribute('aria-label', 'Remove the tag ' + name);
                remove.textContent = '×';
                remove.addEventListener('click', function () {
                    store(names().filter((other) => other !== name));
                    entry.focus();
                });
                item.append(text, remove);
                return item;
            }));
        }

        function add(name) {
            const clean = name.replaceAll('"', '').trim();
            const current = names();
            if (clean && !current.some((known) => known.toLowerCase() === clean.toLowerCase())) {
                current.push(clean);
            }
            entry.value = '';
            close();
            store(current);
        }

        function options() {
            return Array.from(listbox.querySelectorAll('[role=option]'));
        }

        function close() {
            listbox.hidden = true;
            listbox.replaceChildren();
            entry.setAttribute('aria-expanded', 'false');
            entry.removeAttribute('aria-activedescendant');
            active = -1;
        }

        function highlight(index) {
            const all = options();
            active = (index + all.length) % all.length;
            all.forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
            entry.setAttribute('aria-activedescendant', all[active].id);
        }

        async function lookup() {
            const typed = entry.value.trim();
            if (!typed) {
                close();
                return;
            }
            requested = typed;
            const response = await fetch(field.dataset.autocompleteUrl + '?' + new URLSearchParams({q: typed}), {
                headers: {Accept: 'application/json'}, credentials: 'same-origin',
            });
            if (!response.ok || requested !== entry.value.trim()) {
                return; // failed, or overtaken by newer typing
            }
            const present = new Set(names().map((name) => name.toLowerCase()));
            const results = (await response.json()).results.filter((name) => !present.has(name.toLowerCase()));
            if (results.length === 0) {
                close();
                return;
            }
            listbox.replaceChildren(...results.map(function (name, i) {
                const option = document.createElement('li');
                option.id = listbox.id + '_' + i;
                option.setAttribute('role', 'option');
                option.setAttribute('aria-selected', 'false');
                option.textContent = name;
                option.dataset.tag = name;
                return option;
            }));
            listbox.hidden = false;
            entry.setAttribute('aria-expanded', 'true');
            active = -1;
        }

        const lookupLater = debounce(lookup, 150);
        entry.addEventListener('input', function () {
            if (entry.value.includes(',')) {
                const parts = entry.value.split(',');
                const rest = parts.pop();
                parts.forEach(add);
                entry.value = rest.trimStart();
            }
            lookupLater();
        });
        entry.addEventListener('keydown', function (event) {
            if (event.key === 'Enter') {
                event.preventDefault(); // add the tag; do not submit the form
                if (!listbox.hidden && active >= 0) {
                    add(options()[active].dataset.tag);
                } else if (entry.value.trim()) {
                    add(entry.value);
                }
            } else if (event.key === 'Backspace' && !entry.value) {
                store(names().slice(0, -1));
            } else if (listbox.hidden) {
                return;
            } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
            } else if (event.key === 'Escape') {
                close();
            }
        });
        // mousedown rather than click, so the entry keeps its focus.
        listbox.addEventListener('mousedown', function (event) {
            const option = event.target.closest('[role=option]');
            if (option) {
                event.preventDefault();
                add(option.dataset.tag);
            }
        });
        entry.addEventListener('blur', function () {
            setTimeout(close, 150);
        });
        // A suggestion clicked elsewhere on the form writes the field: show it as a chip.
        field.addEventListener('input', function () {
            window.requestAnimationFrame(render);
        });
        field.form.addEventListener('submit', function () {
            if (entry.value.trim()) {
                add(entry.value); // what was typed but not yet added is kept
            }
        });
        render();
    }

    function init() {
        document.querySelectorAll('input[data-autocomplete-url]').forEach(attach);
    }

    window.sitrepDesk.onReady(init);
})();
