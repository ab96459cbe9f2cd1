#include <bits/stdc++.h>
using namespace std;

// A robot walks a grid by a move string; report distinct cells and the most-visited cell.
int main() {
    int n;
    string moves;
    cin >> n >> moves;
    map<pair<int, int>, int> visits;
    int x = 0, y = 0;
    visits[{x, y}]++;
    for (char c : moves) {
        if (c == 'U') y++;
        else if (c == 'D') y--;
        else if (c == 'L') x--;
        else x++;
        visits[{x, y}]++;
    }
    int best = 0;
    pair<int, int> where{0, 0};
    for (auto& [cell, c] : visits)
        if (c > best) { best = c; where = cell; }
    printf("%zu %d %d %d\n", visits.size(), best, where.first, where.second);
    return 0;
}
