#include <iostream>
#include <string>
#include <vector>
using namespace std;

int h, w;
vector<string> grid;

long long paths(int r, int c) {
    if (r >= h || c >= w || grid[r][c] == '#') return 0;
    if (r == h - 1 && c == w - 1) return 1;
    return (paths(r + 1, c) + paths(r, c + 1)) % 1000000007;
}

int main() {
    cin >> h >> w;
    grid.resize(h);
    for (auto &row : grid) cin >> row;
    cout << paths(0, 0) << "\n";
    return 0;
}
