#include <bits/stdc++.h>
using namespace std;

// Conway's game of life on a bounded grid for t generations.
int main() {
    int r, c, t;
    cin >> r >> c >> t;
    vector<vector<int>> g(r, vector<int>(c));
    for (int i = 0; i < r; i++) {
        string row;
        cin >> row;
        for (int j = 0; j < c; j++) g[i][j] = row[j] == '#';
    }
    int dx[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
    int dy[8] = {-1, 0, 1, -1, 1, -1, 0, 1};
    for (int step = 0; step < t; step++) {
        vector<vector<int>> next(r, vector<int>(c, 0));
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                int alive = 0;
                for (int d = 0; d < 8; d++) {
                    int x = i + dx[d], y = j + dy[d];
                    if (x >= 0 && x < r && y >= 0 && y < c) alive += g[x][y];
                }
                next[i][j] = (alive == 3 || (alive == 2 && g[i][j])) ? 1 : 0;
            }
        }
        g = next;
    }
    long long count = 0, hash = 0;
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            if (g[i][j]) { count++; hash = (hash * 7 + i * c + j) % 1000000007; }
    cout << count << " " << hash << "\n";
    return 0;
}
