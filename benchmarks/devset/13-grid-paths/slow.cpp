#include <bits/stdc++.h>
using namespace std;

int R, C;
vector<string> grid;

long long paths(int r, int c) {
    if (r >= R || c >= C || grid[r][c] == '#') return 0;
    if (r == R - 1 && c == C - 1) return 1;
    return paths(r + 1, c) + paths(r, c + 1);
}

int main() {
    cin >> R >> C;
    grid.resize(R);
    for (auto &row : grid) cin >> row;
    cout << paths(0, 0) << endl;
}
