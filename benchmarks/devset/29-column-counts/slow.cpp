#include <bits/stdc++.h>
using namespace std;

int main() {
    int h, w, q;
    cin >> h >> w >> q;
    vector<string> board(h);
    for (auto &r : board) cin >> r;
    while (q--) {
        int col;
        char ch;
        cin >> col >> ch;
        int c = 0;
        for (auto row : board)
            if (row[col] == ch) c++;
        cout << c << "\n";
    }
}
