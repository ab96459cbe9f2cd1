#include <iostream>
#include <unordered_map>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    unordered_map<long long, int> count;
    count.reserve(2 * n);
    int best = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        best = max(best, ++count[x]);
    }
    cout << count.size() << " " << best << "\n";
    return 0;
}
