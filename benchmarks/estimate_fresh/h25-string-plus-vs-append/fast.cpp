#include <bits/stdc++.h>
using namespace std;

// Encode a text: shift letters by k, double every vowel, mark digits with '#'.
int main() {
    int k;
    string text;
    cin >> k >> text;
    string out = "";
    for (char c : text) {
        if (c >= 'a' && c <= 'z') {
            char e = (char)('a' + (c - 'a' + k) % 26);
            out += e;
            if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') out += e;
        } else if (c >= '0' && c <= '9') {
            out += '#';
            out += c;
        } else {
            out += c;
        }
    }
    unsigned long long h = 0;
    for (char c : out) h = h * 131 + (unsigned char)c;
    cout << out.size() << " " << h << "\n";
    cout << out.substr(0, 60) << "\n";
    return 0;
}
