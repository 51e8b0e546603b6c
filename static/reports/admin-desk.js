'use strict';
// Small helpers shared by the desk's admin scripts (loaded before them).
window.sitrepDesk = {
    debounce: function (fn, wait) {
        let timer = null;
        return function () {
            clearTimeout(timer);
            timer = setTimeout(fn, wait);
        };
    },
    // A tag name as taggit reads it back from a comma-separated list.
    quoteTag: function (name) {
        return name.includes(',') ? '"' + name.replaceAll('"', '') + '"' : name;
    },
    onReady: function (init) {
        if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', init);
        } else {
            init();
        }
    },
};
