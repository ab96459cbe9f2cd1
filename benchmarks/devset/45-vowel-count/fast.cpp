#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    bool vowel[256] = {};
    for (unsigned char c : string("aeiouAEIOU")) vowel[c] = true;
    int n;
    cin >> n;
    long long vowels = 0, best = 0;
    string w;
    for (int i = 0; i < n; i++) {
        cin >> w;
        int v = 0;
        for (unsigned char c : w) v += vowel[c];
        vowels += v;
        best = max(best, (long long)v);
    }
    cout << vowels << " " << best << endl;
}
