#include <algorithm>
#include <iostream>
#include <string>
#include <vector>
using namespace std;

bool shorter_first(string a, string b) {
    if (a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<string> words(n);
    for (auto &w : words) cin >> w;
    sort(words.begin(), words.end(), shorter_first);
    for (const auto &w : words) cout << w << '\n';
    return 0;
}
