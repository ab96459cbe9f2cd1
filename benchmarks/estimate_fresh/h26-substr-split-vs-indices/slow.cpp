#include <bits/stdc++.h>
using namespace std;

// A comma-separated list of words: count palindromes, the longest word, distinct first letters.
bool isPal(const string& w) {
    for (size_t i = 0, j = w.size(); i + 1 < j; i++, j--)
        if (w[i] != w[j - 1]) return false;
    return true;
}

int main() {
    string s;
    getline(cin, s);
    int pal = 0, words = 0;
    string longest = "";
    bool first[26] = {};
    while (true) {
        size_t p = s.find(',');
        string w = s.substr(0, p);
        words++;
        if (isPal(w)) pal++;
        if (w.size() > longest.size()) longest = w;
        if (!w.empty()) first[w[0] - 'a'] = true;
        if (p == string::npos) break;
        s = s.substr(p + 1);
    }
    int letters = 0;
    for (bool b : first) letters += b;
    printf("%d %d %d %s\n", words, pal, letters, longest.c_str());
    return 0;
}
