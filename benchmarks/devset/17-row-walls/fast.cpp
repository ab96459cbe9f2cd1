#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int h, w;
    cin >> h >> w;
    int total = 0;
    string row;
    for (int i = 0; i < h; i++) {
        cin >> row;
        int walls = (int)count(row.begin(), row.end(), '#');
        total += walls;
        cout << walls << '\n';
    }
    cout << total << '\n';
}
