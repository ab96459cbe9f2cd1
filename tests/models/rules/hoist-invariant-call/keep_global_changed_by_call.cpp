#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

vector<int> a = {1, 2, 3};

void grow() { a.push_back(9); }

int main() {
    for (int i = 0; i < 3; i++) {
        cout << *max_element(a.begin(), a.end()) << "\n";
        grow();
    }
}
