#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int h, w, q;
    cin >> h >> w >> q;
    vector<string> board(h);
    for (auto &r : board) cin >> r;
    // counts per column and letter, computed once
    vector<array<int, 26>> cnt(w);
    for (auto &a : cnt) a.fill(0);
    for (const auto &row : board)
        for (int j = 0; j < w; j++) cnt[j][row[j] - 'a']++;
    while (q--) {
        int col;
        char ch;
        cin >> col >> ch;
        cout << cnt[col][ch - 'a'] << "\n";
    }
}
