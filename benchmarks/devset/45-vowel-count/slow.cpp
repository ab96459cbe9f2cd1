#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long vowels = 0, best = 0;
    for (int i = 0; i < n; i++) {
        string w;
        cin >> w;
        int v = 0;
        for (char c : w)
            if (string("aeiouAEIOU").find(c) != string::npos) v++;
        vowels += v;
        best = max(best, (long long)v);
    }
    cout << vowels << " " << best << endl;
}
