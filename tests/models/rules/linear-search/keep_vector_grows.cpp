#include <algorithm>
#include <iostream>
#include <vector>

int main() {
    std::vector<int> seen;
    int x, fresh = 0;
    while (std::cin >> x) {
        if (std::find(seen.begin(), seen.end(), x) == seen.end()) {
            fresh++;
            seen.push_back(x);
        }
    }
    std::cout << fresh << "\n";
}
