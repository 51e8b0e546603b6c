'use strict';
// The change form's status bar: times in the reader's own zone, and a confirmation before a
// scheduled report is published at once. Without this script the server asks instead.
(function () {
    function localTime(iso) {
        const moment = new Date(iso);
        if (Number.isNaN(moment.getTime())) {
            return null;
        }
        // In the admin's language (the page's lang), in the reader's own zone.
        return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
            day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
        }).format(moment);
    }

    function init() {
        document.querySelectorAll('time.local-time[datetime]').forEach(function (element) {
            const text = localTime(element.getAttribute('datetime'));
            if (text) {
                element.textContent = element.dataset.label.replace('{time}', text);
                element.hidden = false;
            }
        });
        const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        document.querySelectorAll('.browser-zone').forEach(function (element) {
            element.textContent = element.dataset.label.replace('{zone}', zone);
            element.hidden = false;
        });
        document.querySelectorAll('button[data-confirm]').forEach(function (button) {
            button.addEventListener('click', function (event) {
                if (window.confirm(button.dataset.confirm)) {
                    button.value = button.value + '_confirmed';
                } else {
                    event.preventDefault();
                }
            });
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
